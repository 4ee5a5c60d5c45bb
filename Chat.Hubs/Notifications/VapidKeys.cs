using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Notifications;

/// <summary>
/// The server's VAPID identity (RFC 8292): the key pair it signs its pushes with, and the
/// <c>Authorization</c> header each push service is shown.
/// </summary>
public sealed class VapidKeys : IDisposable
{
    // Push services refuse a token that expires more than 24 hours ahead; a token is reused until
    // an hour before it expires, so one is signed per push service about twice a day.
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(12);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromHours(1);
    private const int MaxAudiences = 1000;

    private readonly ECDsa? signer;
    private readonly string subject;
    private readonly TimeProvider clock;
    private readonly ConcurrentDictionary<string, (string Header, DateTimeOffset RenewAt)> headers = new(StringComparer.Ordinal);

    public VapidKeys(IOptions<PushOptions> options, TimeProvider clock)
    {
        this.clock = clock;
        var push = options.Value;
        subject = push.Subject.Trim();
        if (push.Enabled)
        {
            signer = Load(push.VapidPublicKey, push.VapidPrivateKey, out var problem) ?? throw new InvalidOperationException(problem);
            PublicKey = PushKeys.Encode(PushKeys.PointOf(signer.ExportParameters(includePrivateParameters: false)));
        }
    }

    /// <summary>The public key browsers subscribe with (base64url); null when push is off.</summary>
    public string? PublicKey { get; }

    /// <summary>
    /// Reads a key pair, or says what is wrong with it: each key must have its format, and the
    /// public key must be the private key's.
    /// </summary>
    public static ECDsa? Load(string publicKey, string privateKey, out string? problem)
    {
        var publicBytes = PushKeys.TryDecode(publicKey);
        var privateBytes = PushKeys.TryDecode(privateKey);
        if (publicBytes is null || PushKeys.TryReadPoint(publicBytes) is not { } point)
        {
            problem = "Push:VapidPublicKey must be an uncompressed P-256 point (65 bytes), base64url";
            return null;
        }

        if (privateBytes is not { Length: PushKeys.PrivateKeyLength })
        {
            problem = "Push:VapidPrivateKey must be a P-256 private key (32 bytes), base64url";
            return null;
        }

        var curve = ECCurve.NamedCurves.nistP256;
        ECDsa? pair = null;
        try
        {
            pair = ECDsa.Create(new ECParameters { Curve = curve, D = privateBytes, Q = point });
            using var configured = ECDsa.Create(new ECParameters { Curve = curve, Q = point });
            // Signing with the private key and checking with the public one proves they are a pair.
            var probe = "vapid"u8.ToArray();
            if (configured.VerifyData(probe, pair.SignData(probe, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256))
            {
                problem = null;
                return pair;
            }
        }
        catch (CryptographicException)
        {
        }

        pair?.Dispose();
        problem = "Push:VapidPublicKey is not the public key of Push:VapidPrivateKey";
        return null;
    }

    /// <summary>The <c>Authorization</c> header for a push to the push service at <paramref name="audience"/> (its origin).</summary>
    public string AuthorizationFor(string audience)
    {
        var key = signer ?? throw new InvalidOperationException("push notifications are not configured");
        var now = clock.GetUtcNow();
        if (headers.TryGetValue(audience, out var cached) && cached.RenewAt > now)
        {
            return cached.Header;
        }

        var expires = now + TokenLifetime;
        var header = $"vapid t={Token(key, audience, expires)}, k={PublicKey}";
        if (headers.Count >= MaxAudiences)
        {
            headers.Clear();
        }

        headers[audience] = (header, expires - RenewBefore);
        return header;
    }

    public void Dispose() => signer?.Dispose();

    // A JWT signed with ES256 (RFC 7515): the signature is r and s side by side, which is the
    // format .NET signs in by default (IEEE P1363).
    private string Token(ECDsa key, string audience, DateTimeOffset expires)
    {
        var head = PushKeys.Encode("""{"typ":"JWT","alg":"ES256"}"""u8);
        var claims = PushKeys.Encode(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["aud"] = audience,
            ["exp"] = expires.ToUnixTimeSeconds(),
            ["sub"] = subject,
        }));
        var signed = $"{head}.{claims}";
        var signature = key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256);
        return $"{signed}.{PushKeys.Encode(signature)}";
    }
}
