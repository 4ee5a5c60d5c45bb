using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Chat.Hubs.Notifications;

/// <summary>
/// Encrypts a push message for one subscription (RFC 8291) in the <c>aes128gcm</c> content
/// coding (RFC 8188): a key agreed by ECDH between a new key pair of ours and the browser's key,
/// mixed with the browser's auth secret, and the whole message in one record.
/// </summary>
public static class PushEncryption
{
    /// <summary>The record size written in the header; a single record holds everything up to it.</summary>
    public const int RecordSize = 4096;

    private const int SaltLength = 16;
    private const int TagLength = 16;
    private const int HeaderLength = SaltLength + 4 + 1 + PushKeys.PublicKeyLength;

    /// <summary>The most a message may hold: one record, less its delimiter and tag.</summary>
    public const int MaxPlaintextLength = RecordSize - TagLength - 1;

    private static readonly byte[] KeyInfo = "WebPush: info\0"u8.ToArray();
    private static readonly byte[] ContentKeyInfo = "Content-Encoding: aes128gcm\0"u8.ToArray();
    private static readonly byte[] NonceInfo = "Content-Encoding: nonce\0"u8.ToArray();

    /// <summary>The body of a push: the aes128gcm header (salt, record size, our public key), then the record.</summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> plaintext, byte[] browserPublicKey, byte[] authSecret)
    {
        if (plaintext.Length > MaxPlaintextLength)
        {
            throw new ArgumentException($"a push message holds at most {MaxPlaintextLength} bytes", nameof(plaintext));
        }

        var browserPoint = PushKeys.TryReadPoint(browserPublicKey) ?? throw new ArgumentException("not a P-256 public key", nameof(browserPublicKey));
        using var ours = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        using var theirs = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = browserPoint });
        var sharedSecret = ours.DeriveRawSecretAgreement(theirs.PublicKey);
        var ourPublicKey = PushKeys.PointOf(ours.ExportParameters(includePrivateParameters: false));
        var salt = RandomNumberGenerator.GetBytes(SaltLength);

        // RFC 8291, section 3.4: the auth secret and both public keys go into the key, so only
        // this subscription's browser can read the message.
        var keyPrk = HKDF.Extract(HashAlgorithmName.SHA256, sharedSecret, authSecret);
        var ikm = HKDF.Expand(HashAlgorithmName.SHA256, keyPrk, 32, [.. KeyInfo, .. browserPublicKey, .. ourPublicKey]);
        var prk = HKDF.Extract(HashAlgorithmName.SHA256, ikm, salt);
        var contentKey = HKDF.Expand(HashAlgorithmName.SHA256, prk, 16, ContentKeyInfo);
        var nonce = HKDF.Expand(HashAlgorithmName.SHA256, prk, 12, NonceInfo);

        var body = new byte[HeaderLength + plaintext.Length + 1 + TagLength];
        salt.CopyTo(body, 0);
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(SaltLength), RecordSize);
        body[SaltLength + 4] = PushKeys.PublicKeyLength;
        ourPublicKey.CopyTo(body, SaltLength + 5);

        // The last (here the only) record ends with the delimiter 2 and no padding.
        var record = new byte[plaintext.Length + 1];
        plaintext.CopyTo(record);
        record[^1] = 2;
        using var aes = new AesGcm(contentKey, TagLength);
        aes.Encrypt(
            nonce,
            record,
            body.AsSpan(HeaderLength, record.Length),
            body.AsSpan(HeaderLength + record.Length, TagLength));
        return body;
    }
}
