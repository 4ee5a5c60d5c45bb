using System.Security.Cryptography;
using System.Text;
using Chat.Contracts;
using Chat.Hubs.Webhooks;
using Microsoft.Extensions.Options;

namespace Chat.Tests.Unit;

public sealed class WebhookSignatureTests
{
    private const string Secret = "whsec_test-secret";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"id":"1","type":"message.created"}""");
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    [Fact]
    public void A_signature_is_the_hex_hmac_of_the_timestamp_a_dot_and_the_body_keyed_with_the_secret()
    {
        var signature = WebhookSignature.Sign(Secret, Now.ToUnixTimeSeconds(), Body);

        byte[] signed = [.. Encoding.UTF8.GetBytes("1800000000."), .. Body];
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), signed);
        Assert.Equal("v1=" + Convert.ToHexString(expected).ToLowerInvariant(), signature);
        Assert.True(WebhookSignature.Verify(Secret, "1800000000", Body, signature, TimeSpan.FromMinutes(5), Now));
        Assert.True(WebhookSignature.Verify(Secret, "1800000000", Encoding.UTF8.GetString(Body), signature, TimeSpan.FromMinutes(5), Now));
    }

    [Fact]
    public void A_changed_body_timestamp_or_secret_or_an_old_request_fails_verification()
    {
        var signature = WebhookSignature.Sign(Secret, Now.ToUnixTimeSeconds(), Body);
        var tolerance = TimeSpan.FromMinutes(5);

        Assert.False(WebhookSignature.Verify(Secret, "1800000000", [.. Body, (byte)' '], signature, tolerance, Now));
        Assert.False(WebhookSignature.Verify(Secret, "1800000001", Body, signature, tolerance, Now));
        Assert.False(WebhookSignature.Verify("whsec_other", "1800000000", Body, signature, tolerance, Now));
        Assert.False(WebhookSignature.Verify(Secret, "1800000000", Body, signature, tolerance, Now.AddMinutes(6)));
        Assert.False(WebhookSignature.Verify(Secret, "1800000000", Body, signature, tolerance, Now.AddMinutes(-6)));
        Assert.False(WebhookSignature.Verify(Secret, null, Body, signature, tolerance, Now));
        Assert.False(WebhookSignature.Verify(Secret, "1800000000", Body, null, tolerance, Now));
        Assert.False(WebhookSignature.Verify(Secret, "1800000000", Body, signature.Replace("v1=", "v0=", StringComparison.Ordinal), tolerance, Now));
        Assert.False(WebhookSignature.Verify(Secret, "1800000000", Body, "v1=zz", tolerance, Now));
    }

    [Fact]
    public void One_matching_signature_among_several_is_enough()
    {
        var signature = WebhookSignature.Sign(Secret, Now.ToUnixTimeSeconds(), Body);

        Assert.True(WebhookSignature.Verify(Secret, "1800000000", Body, $"v1={new string('0', 64)} {signature}", TimeSpan.FromMinutes(5), Now));
        Assert.True(WebhookSignature.Verify(Secret, "1800000000", Body, $"{signature},v2=abc", TimeSpan.FromMinutes(5), Now));
    }


    [Fact]
    public void A_sealed_secret_opens_only_for_its_webhook_under_the_same_key()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var secrets = new WebhookSecrets(Options.Create(new WebhookOptions { SecretKey = key }));
        var webhookId = Guid.NewGuid();
        var secret = WebhookSecrets.Generate();

        var stored = secrets.Seal(webhookId, secret);

        Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
        Assert.Equal(secret, secrets.Open(webhookId, stored));
        Assert.ThrowsAny<CryptographicException>(() => secrets.Open(Guid.NewGuid(), stored));
        var otherKey = new WebhookSecrets(Options.Create(new WebhookOptions { SecretKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) }));
        Assert.ThrowsAny<CryptographicException>(() => otherKey.Open(webhookId, stored));
        var noKey = new WebhookSecrets(Options.Create(new WebhookOptions()));
        Assert.ThrowsAny<CryptographicException>(() => noKey.Open(webhookId, stored));
        // Stored without a key, a secret still opens once a key is set.
        Assert.Equal(secret, secrets.Open(webhookId, noKey.Seal(webhookId, secret)));
    }
}
