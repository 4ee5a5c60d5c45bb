using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Webhooks;

/// <summary>
/// Makes an endpoint's signing secret and keeps it in the database: sealed with AES-256-GCM under
/// <see cref="WebhookOptions.SecretKey"/> when one is set (bound to the webhook's id, so a sealed
/// secret copied to another row does not open), as it is otherwise. The nodes must read it back
/// to sign deliveries, so it cannot be hashed like a password.
/// </summary>
public sealed class WebhookSecrets(IOptions<WebhookOptions> options)
{
    private const string Prefix = "whsec_";
    private const string Plain = "plain:";
    private const string Sealed = "aes256gcm:";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[]? key = options.Value.SecretKeyBytes();

    /// <summary>A new secret: 32 random bytes, base64url, after <c>whsec_</c> (which secret scanners recognise).</summary>
    public static string Generate() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>What the database keeps of <paramref name="secret"/>.</summary>
    public string Seal(Guid webhookId, string secret)
    {
        if (key is null)
        {
            return Plain + secret;
        }

        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), webhookId.ToByteArray());
        return $"{Sealed}{KeyId(key)}:{Convert.ToBase64String(sealedBytes)}";
    }

    /// <summary>The secret <paramref name="stored"/> holds; throws when it was sealed with a key this node lacks.</summary>
    public string Open(Guid webhookId, string stored)
    {
        if (stored.StartsWith(Plain, StringComparison.Ordinal))
        {
            return stored[Plain.Length..];
        }

        if (!stored.StartsWith(Sealed, StringComparison.Ordinal) || stored.AsSpan(Sealed.Length).IndexOf(':') is not (var colon and > 0))
        {
            throw new CryptographicException("the webhook's stored secret has an unknown form");
        }

        var keyId = stored.Substring(Sealed.Length, colon);
        if (key is null || keyId != KeyId(key))
        {
            throw new CryptographicException("the webhook's secret was sealed with another Webhooks:SecretKey than this node's");
        }

        var sealedBytes = Convert.FromBase64String(stored[(Sealed.Length + colon + 1)..]);
        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(
            sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), plain, webhookId.ToByteArray());
        return Encoding.UTF8.GetString(plain);
    }

    // Names the key without giving it away, so a secret sealed under another key is told apart.
    private static string KeyId(byte[] key) => Convert.ToHexString(SHA256.HashData(key).AsSpan(0, 4)).ToLowerInvariant();
}
