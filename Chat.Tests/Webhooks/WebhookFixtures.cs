using Chat.Tests.Infrastructure;

namespace Chat.Tests.Webhooks;

/// <summary>
/// One node that delivers webhooks to the tests' receivers on the loopback address over plain
/// http, retrying after 1 s three times (four attempts in all), looking for due retries five
/// times a second, and sealing the secrets it stores with a key of the test run.
/// </summary>
public sealed class WebhookNodeFixture() : NodeFixture(Settings)
{
    public const int Attempts = 4;

    /// <summary>One key for every node of the run, as every node of a cluster shares it.</summary>
    public static readonly string SecretKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public static Dictionary<string, string?> Settings => new()
    {
        ["Webhooks:AllowHttp"] = "true",
        ["Webhooks:AllowPrivateNetworks"] = "true",
        ["Webhooks:RetryDelaysSeconds"] = "1,1,1",
        ["Webhooks:PollMilliseconds"] = "200",
        ["Webhooks:SecretKey"] = SecretKey,
    };
}

/// <summary>One node with the defaults: https only, no private addresses.</summary>
public sealed class StrictWebhookNodeFixture() : NodeFixture();

/// <summary>
/// The delivering node of <see cref="WebhookNodeFixture"/>, with two retries (three attempts) and
/// an endpoint paused after two deliveries in a row ended failed.
/// </summary>
public sealed class PausingWebhookNodeFixture() : NodeFixture(Settings)
{
    public const int Attempts = 3;
    public const int PauseAfter = 2;

    public static Dictionary<string, string?> Settings => new(WebhookNodeFixture.Settings)
    {
        ["Webhooks:RetryDelaysSeconds"] = "1,1",
        ["Webhooks:PauseAfterFailedDeliveries"] = PauseAfter.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
