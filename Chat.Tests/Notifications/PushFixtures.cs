using Chat.Tests.Infrastructure;

namespace Chat.Tests.Notifications;

/// <summary>
/// Two nodes on the test Redis with push on (one key pair between them), windows of
/// <see cref="WindowSeconds"/>, allowed to push to <see cref="FakePushService"/> on loopback.
/// </summary>
public sealed class PushClusterFixture : TwoNodeFixture
{
    public const double WindowSeconds = 3;

    public PushClusterFixture()
        : this(PushApi.Settings(coalesceSeconds: WindowSeconds))
    {
    }

    private PushClusterFixture(Dictionary<string, string?> settings)
        : base(linkedByRedis: true, settings) => PublicKey = settings["Push:VapidPublicKey"]!;

    /// <summary>The VAPID public key the nodes sign with.</summary>
    public string PublicKey { get; }
}

/// <summary>One node with push on as in production: https endpoints on public addresses only.</summary>
public sealed class SecurePushNodeFixture : NodeFixture
{
    public SecurePushNodeFixture()
        : this(PushApi.Settings(insecure: false))
    {
    }

    private SecurePushNodeFixture(Dictionary<string, string?> settings)
        : base(settings) => PublicKey = settings["Push:VapidPublicKey"]!;

    public string PublicKey { get; }
}
