using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Chat.Contracts;

/// <summary>
/// Signs a webhook delivery and checks one: <c>Webhook-Signature: v1=&lt;hex HMAC-SHA256&gt;</c> over
/// <c>"{Webhook-Timestamp}.{body}"</c>, keyed with the endpoint's secret (its UTF-8 bytes, exactly as
/// shown when the webhook was created). The service signs with it; a receiving service checks
/// each request with <see cref="Verify(string, string?, ReadOnlySpan{byte}, string?, TimeSpan, DateTimeOffset?)"/>
/// before it trusts the body.
/// </summary>
public static class WebhookSignature
{
    public const string IdHeader = "Webhook-Id";
    public const string TimestampHeader = "Webhook-Timestamp";
    public const string SignatureHeader = "Webhook-Signature";

    private const string Version = "v1=";

    /// <summary>How far a request's timestamp may be from the receiver's clock by default: 5 minutes.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>The <c>Webhook-Signature</c> value of <paramref name="body"/> sent at <paramref name="timestamp"/> (Unix seconds).</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body) =>
        Version + Convert.ToHexString(Mac(secret, timestamp.ToString(CultureInfo.InvariantCulture), body)).ToLowerInvariant();

    /// <summary>
    /// Whether the request is the service's: <paramref name="signatureHeader"/> holds a <c>v1=</c>
    /// signature (of possibly several, separated by spaces or commas) that matches the raw
    /// <paramref name="body"/> and <paramref name="timestamp"/>, and the timestamp is within
    /// <paramref name="tolerance"/> of <paramref name="now"/> (the system clock when null), which
    /// stops an old request from being replayed. Check the raw bytes as received: parsing and
    /// serializing the JSON again changes them.
    /// </summary>
    public static bool Verify(
        string secret, string? timestamp, ReadOnlySpan<byte> body, string? signatureHeader, TimeSpan tolerance, DateTimeOffset? now = null)
    {
        if (string.IsNullOrEmpty(secret) || string.IsNullOrEmpty(signatureHeader)
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        var age = (now ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds() - seconds;
        if (Math.Abs(age) > tolerance.TotalSeconds)
        {
            return false;
        }

        var expected = Mac(secret, timestamp!, body);
        foreach (var candidate in signatureHeader.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries))
        {
            if (candidate.StartsWith(Version, StringComparison.Ordinal) && TryParseHex(candidate[Version.Length..], out var given)
                && CryptographicOperations.FixedTimeEquals(given, expected))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><see cref="Verify(string, string?, ReadOnlySpan{byte}, string?, TimeSpan, DateTimeOffset?)"/> for a body read as text.</summary>
    public static bool Verify(string secret, string? timestamp, string body, string? signatureHeader, TimeSpan tolerance, DateTimeOffset? now = null) =>
        Verify(secret, timestamp, Encoding.UTF8.GetBytes(body), signatureHeader, tolerance, now);

    private static byte[] Mac(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.UTF8.GetBytes(timestamp + "."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    private static bool TryParseHex(string hex, out byte[] bytes)
    {
        bytes = [];
        if (hex.Length != 64)
        {
            return false;
        }

        try
        {
            bytes = Convert.FromHexString(hex);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
