using System.Text.Json.Serialization;

namespace LanSpread.Core.Model;

/// <summary>Whether an install transaction creates <c>local/</c> or replaces an existing one.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InstallMode>))]
public enum InstallMode
{
    /// <summary>First install: <c>local/</c> does not exist.</summary>
    Install,

    /// <summary>Update: the old <c>local/</c> is moved aside and replaced.</summary>
    Update,
}
