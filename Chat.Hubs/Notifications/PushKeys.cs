using System.Buffers.Text;
using System.Security.Cryptography;

namespace Chat.Hubs.Notifications;

/// <summary>The key formats of Web Push: base64url text, raw P-256 points and scalars.</summary>
public static class PushKeys
{
    /// <summary>An uncompressed P-256 point: 0x04, then X and Y of 32 bytes each.</summary>
    public const int PublicKeyLength = 65;

    public const int PrivateKeyLength = 32;

    /// <summary>The length of a subscription's auth secret (RFC 8291, section 3.2).</summary>
    public const int AuthSecretLength = 16;

    /// <summary>Base64url without padding, as browsers and push services write it.</summary>
    public static string Encode(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);

    /// <summary>
    /// Reads base64url, with or without padding. Plain base64 is taken too: some subscription
    /// libraries write it, and the alphabets differ only in two characters.
    /// </summary>
    public static byte[]? TryDecode(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var normalized = text.Trim().Replace('+', '-').Replace('/', '_').TrimEnd('=');
        try
        {
            return Base64Url.DecodeFromChars(normalized);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The point as .NET takes it, or null when it is not an uncompressed point on P-256.</summary>
    public static ECPoint? TryReadPoint(ReadOnlySpan<byte> point)
    {
        if (point.Length != PublicKeyLength || point[0] != 0x04)
        {
            return null;
        }

        var parsed = new ECPoint { X = point[1..33].ToArray(), Y = point[33..].ToArray() };
        try
        {
            // Importing checks that the point lies on the curve: a point off it is what an
            // invalid-curve attack on the ECDH would send.
            using var key = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = parsed });
            return parsed;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>The uncompressed point of a public key.</summary>
    public static byte[] PointOf(ECParameters key)
    {
        var point = new byte[PublicKeyLength];
        point[0] = 0x04;
        key.Q.X!.CopyTo(point, 1);
        key.Q.Y!.CopyTo(point, 33);
        return point;
    }
}
