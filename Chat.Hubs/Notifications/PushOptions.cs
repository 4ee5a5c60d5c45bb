using System.ComponentModel.DataAnnotations;

namespace Chat.Hubs.Notifications;

/// <summary>
/// Offline notifications over Web Push (<c>Push__…</c>). Off until both VAPID keys are set; a
/// node with one key and not the other, or keys that do not make a pair, does not start.
/// </summary>
public sealed class PushOptions
{
    public const string SectionName = "Push";

    /// <summary>The VAPID public key: an uncompressed P-256 point (65 bytes), base64url; browsers subscribe with it.</summary>
    public string VapidPublicKey { get; set; } = "";

    /// <summary>The VAPID private key: the P-256 private scalar (32 bytes), base64url.</summary>
    public string VapidPrivateKey { get; set; } = "";

    /// <summary>Who push services contact about this server's pushes: a <c>mailto:</c> or <c>https:</c> URI.</summary>
    public string Subject { get; set; } = "";

    /// <summary>At most one push per user and room in this window; what comes meanwhile is counted into the next.</summary>
    [Range(0.1, 3600)]
    public double CoalesceSeconds { get; set; } = 30;

    /// <summary>Subscriptions (browsers, devices) one user may have.</summary>
    [Range(1, 100)]
    public int MaxSubscriptionsPerUser { get; set; } = 10;

    /// <summary>How long a push service keeps a push for a device that is offline (the <c>TTL</c> header).</summary>
    [Range(0, 2_419_200)]
    public int TimeToLiveSeconds { get; set; } = 86_400;

    /// <summary>How long one request to a push service may take before it is given up.</summary>
    [Range(1, 300)]
    public double RequestTimeoutSeconds { get; set; } = 10;

    /// <summary>Tries after the first when a push service answers 429 or 5xx, or cannot be reached.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>The wait before the first retry; it doubles for each next one. A <c>Retry-After</c> answer sets its own, up to a minute.</summary>
    [Range(1, 60_000)]
    public int RetryDelayMilliseconds { get; set; } = 1_000;

    /// <summary>Requests in flight to one push service (an origin); the others wait for their turn.</summary>
    [Range(1, 256)]
    public int ConcurrencyPerService { get; set; } = 8;

    /// <summary>Requests in flight to all push services together.</summary>
    [Range(1, 4096)]
    public int MaxConcurrentRequests { get; set; } = 64;

    /// <summary>Messages, and pushes, waiting on this node; more are dropped (logged and counted).</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// For tests only: accept <c>http</c> endpoints, and push to loopback and private addresses.
    /// Refused by default, so that a subscription cannot make the server post to its own network.
    /// </summary>
    public bool AllowInsecureEndpoints { get; set; }

    /// <summary>True when both keys are set.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(VapidPublicKey) && !string.IsNullOrWhiteSpace(VapidPrivateKey);

    public TimeSpan CoalesceWindow => TimeSpan.FromSeconds(CoalesceSeconds);

    public TimeSpan RequestTimeout => TimeSpan.FromSeconds(RequestTimeoutSeconds);
}
