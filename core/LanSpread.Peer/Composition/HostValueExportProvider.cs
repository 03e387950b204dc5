using System.Composition.Hosting.Core;

namespace LanSpread.Peer.Composition;

/// <summary>
/// Hands host-owned objects (logger factory, plugin settings) to parts' importing constructors
/// (OmniSharp's MefValueProvider pattern): MEF2 has no other way to import an existing instance.
/// </summary>
internal sealed class HostValueExportProvider : ExportDescriptorProvider
{
    private readonly Dictionary<Type, object> _values;

    public HostValueExportProvider(Dictionary<Type, object> values) => _values = values;

    public override IEnumerable<ExportDescriptorPromise> GetExportDescriptors(CompositionContract contract, DependencyAccessor descriptorAccessor)
    {
        if (contract.ContractName is not null || !_values.TryGetValue(contract.ContractType, out var value))
        {
            return NoExportDescriptors;
        }

        return
        [
            new ExportDescriptorPromise(contract, "host value", isShared: true, NoDependencies,
                _ => ExportDescriptor.Create((_, _) => value, NoMetadata)),
        ];
    }
}
