using Chat.Tests.Infrastructure;

namespace Chat.Tests.Webhooks;

/// <summary>
/// One node that delivers webhooks to the tests' receivers on the loopback address over plain
/// http, retrying after 1 s three times (four attempts in all) and looking for due retries five
/// times a second.
/// </summary>
public sealed class WebhookNodeFixture() : NodeFixture(Settings)
{
    public const int Attempts = 4;

    public static Dictionary<string, string?> Settings => new()
    {
        ["Webhooks:AllowHttp"] = "true",
        ["Webhooks:AllowPrivateNetworks"] = "true",
        ["Webhooks:RetryDelaysSeconds"] = "1,1,1",
        ["Webhooks:PollMilliseconds"] = "200",
    };
}

/// <summary>One node with the defaults: https only, no private addresses.</summary>
public sealed class StrictWebhookNodeFixture() : NodeFixture();
