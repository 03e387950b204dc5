using System.Net.Quic;
using Xunit;

namespace LanSpread.Plugins.Tests.Transports;

/// <summary>A fact that runs only where System.Net.Quic works; elsewhere it is skipped with the reason printed.</summary>
public sealed class QuicFactAttribute : FactAttribute
{
    public QuicFactAttribute()
    {
#pragma warning disable CA1416 // guarded by the platform check itself
        if (!QuicListener.IsSupported)
        {
            Skip = "QUIC unavailable here: System.Net.Quic needs the native libmsquic, which this machine does not have (QuicListener.IsSupported = false); Transport.Quic reports NotSupported and the runtime uses Transport.Tls";
        }
#pragma warning restore CA1416
    }
}
