using System.Security.Cryptography;
using System.Text.Json.Serialization;

namespace LanSpread.Core.Model;

/// <summary>
/// The identity of a peer: the SHA-256 of its certificate, base32-encoded (Syncthing's device id is the
/// model). Discovery advertises it and clients check that the certificate a peer presents hashes to it.
/// </summary>
[JsonConverter(typeof(PeerIdJsonConverter))]
public readonly record struct PeerId
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>The number of characters of a peer id (32 bytes in unpadded base32).</summary>
    public const int Length = 52;

    private PeerId(string value) => Value = value;

    /// <summary>The canonical text form: 52 upper-case base32 characters.</summary>
    public string Value { get; }

    /// <summary>A short prefix for logs and display.</summary>
    public string Abbreviated => Value is null ? string.Empty : Value[..7];

    /// <summary>Derives the id of a certificate from its DER encoding.</summary>
    /// <param name="certificateDer">The certificate's raw (DER) bytes.</param>
    public static PeerId FromCertificate(ReadOnlySpan<byte> certificateDer)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(certificateDer, hash);
        return new PeerId(Encode(hash));
    }

    /// <summary>Parses the text form, case-insensitively.</summary>
    /// <param name="text">The text to parse.</param>
    /// <param name="id">The parsed id.</param>
    public static bool TryParse(string? text, out PeerId id)
    {
        id = default;
        if (text is null || text.Length != Length)
        {
            return false;
        }

        var upper = text.ToUpperInvariant();
        foreach (var c in upper)
        {
            if (!Alphabet.Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        id = new PeerId(upper);
        return true;
    }

    /// <summary>Parses the text form or throws <see cref="FormatException"/>.</summary>
    /// <param name="text">The text to parse.</param>
    public static PeerId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"'{text}' is not a peer id (52 base32 characters).");

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;

    private static string Encode(ReadOnlySpan<byte> data)
    {
        var chars = new char[(data.Length * 8 + 4) / 5];
        int buffer = 0, bits = 0, index = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                chars[index++] = Alphabet[(buffer >> (bits - 5)) & 31];
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            chars[index++] = Alphabet[(buffer << (5 - bits)) & 31];
        }

        return new string(chars, 0, index);
    }
}
