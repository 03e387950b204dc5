using System.Net;
using System.Net.Sockets;

namespace LanSpread.Gui.Tests;

/// <summary>
/// A slow link without root: a loopback TCP relay in front of a seeder that paces what the seeder sends
/// to <see cref="BytesPerSecond"/> (one budget shared by every connection, as one link would). TLS runs
/// end to end through it, so the client still checks the seeder's identity. <see cref="Hold"/> stops
/// the flow entirely (a peer gone silent) until <see cref="Release"/>.
/// </summary>
internal sealed class ThrottledRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<TcpClient> _clients = [];
    private readonly Task _accept;
    private TaskCompletionSource _open = NewOpenGate(open: true);
    private DateTime _next = DateTime.UtcNow;
    private double _bytesPerSecond;

    public ThrottledRelay(int targetPort, double bytesPerSecond)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        BytesPerSecond = bytesPerSecond;
        _listener.Start();
        _accept = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The pace; a test may change it mid-download (slow while it acts, fast to finish).</summary>
    public double BytesPerSecond
    {
        get => Volatile.Read(ref _bytesPerSecond);
        set => Volatile.Write(ref _bytesPerSecond, value);
    }

    public void Hold()
    {
        lock (_gate)
        {
            if (_open.Task.IsCompleted)
            {
                _open = NewOpenGate(open: false);
            }
        }
    }

    public void Release()
    {
        lock (_gate)
        {
            _next = DateTime.UtcNow;
            _open.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Release();
        lock (_gate)
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }
        }

        await _accept.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private static TaskCompletionSource NewOpenGate(bool open)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (open)
        {
            gate.SetResult();
        }

        return gate;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => RelayAsync(inbound));
        }
    }

    private async Task RelayAsync(TcpClient inbound)
    {
        using var outbound = new TcpClient();
        lock (_gate)
        {
            _clients.Add(inbound);
            _clients.Add(outbound);
        }

        using (inbound)
        {
            try
            {
                await outbound.ConnectAsync(_target, _stop.Token);
                var up = CopyAsync(inbound.GetStream(), outbound.GetStream(), paced: false);
                var down = CopyAsync(outbound.GetStream(), inbound.GetStream(), paced: true);
                await Task.WhenAny(up, down);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
            }
        }
    }

    private async Task CopyAsync(NetworkStream from, NetworkStream to, bool paced)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                if (paced)
                {
                    await PaceAsync(read);
                }

                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            // Either side closing closes the other, as a dead link would.
            from.Socket.Close();
            to.Socket.Close();
        }
    }

    private async Task PaceAsync(int bytes)
    {
        Task open;
        lock (_gate)
        {
            open = _open.Task;
        }

        await open.WaitAsync(_stop.Token);
        TimeSpan wait;
        lock (_gate)
        {
            var now = DateTime.UtcNow;
            if (_next < now)
            {
                _next = now;
            }

            wait = _next - now;
            _next += TimeSpan.FromSeconds(bytes / BytesPerSecond);
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _stop.Token);
        }
    }
}
