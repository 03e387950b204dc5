using System.Text.Json;
using System.Text.Json.Serialization;
using LanSpread.Core.Model;

namespace LanSpread.Cli.Output;

/// <summary><see cref="InstallMode"/> as a camelCase string ("install", "update"), as the reflection-based options wrote it.</summary>
internal sealed class InstallModeJsonConverter() : JsonStringEnumConverter<InstallMode>(JsonNamingPolicy.CamelCase);
