using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Chat.Hubs.Webhooks;

/// <summary>Which endpoints webhooks may target, and how deliveries are retried, leased and kept.</summary>
public sealed class WebhookOptions : IValidatableObject
{
    public const string SectionName = "Webhooks";

    /// <summary>Allows plain <c>http</c> endpoints, for development; production endpoints use https.</summary>
    public bool AllowHttp { get; set; }

    /// <summary>
    /// Allows endpoints on loopback, private, link-local and other special-purpose addresses. Off,
    /// such addresses are refused when a webhook is registered and again whenever a delivery
    /// connects (with the addresses its host name resolves to then), so a webhook cannot reach the
    /// node's own network.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>
    /// The waits before each retry of a failed delivery, in seconds, comma-separated: after the
    /// last one the delivery is <c>failed</c>. The default retries after 10 s, 1 min, 5 min,
    /// 30 min, 2 h and 6 h.
    /// </summary>
    public string RetryDelaysSeconds { get; set; } = "10,60,300,1800,7200,21600";

    /// <summary>How long an endpoint may take to answer (connecting included) before the attempt fails.</summary>
    [Range(1, 300)]
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// How long a node holds a delivery it has taken: should it die meanwhile, another node
    /// delivers it once this has passed. Longer than <see cref="TimeoutSeconds"/>.
    /// </summary>
    [Range(2, 3600)]
    public int LeaseSeconds { get; set; } = 60;

    /// <summary>Deliveries one node attempts at once.</summary>
    [Range(1, 1024)]
    public int MaxConcurrentDeliveries { get; set; } = 16;

    /// <summary>
    /// Deliveries in a row that end <c>failed</c> before their endpoint is paused: it then gets no
    /// new events until one of its admins resumes it (or a delivery still on its way gets
    /// through). 0 never pauses.
    /// </summary>
    [Range(0, 10_000)]
    public int PauseAfterFailedDeliveries { get; set; } = 20;

    /// <summary>Endpoints per room, and global endpoints in all: more is refused with <c>limit</c>.</summary>
    [Range(1, 1000)]
    public int MaxPerRoom { get; set; } = 10;

    /// <summary>
    /// How often a node looks for deliveries that became due (retries, and deliveries a dead node
    /// held) without being woken: new events wake the nodes at once through PostgreSQL's NOTIFY.
    /// </summary>
    [Range(50, 60_000)]
    public int PollMilliseconds { get; set; } = 1_000;

    /// <summary>How long delivered and failed deliveries stay listed before they are deleted.</summary>
    [Range(1, 365)]
    public int KeepDays { get; set; } = 7;

    /// <summary>
    /// Base64 of 32 random bytes that seals the endpoints' signing secrets in the database
    /// (AES-256-GCM). Empty, secrets are stored as they are. Every node needs the same key, and a
    /// secret sealed with a key the nodes no longer have cannot be used (its deliveries fail).
    /// </summary>
    public string SecretKey { get; set; } = "";

    /// <summary>The parsed <see cref="RetryDelaysSeconds"/>.</summary>
    public int[] RetryDelays() => TryParseDelays(RetryDelaysSeconds, out var delays) ? delays : [];

    /// <summary>The parsed <see cref="SecretKey"/>; null when none is set.</summary>
    public byte[]? SecretKeyBytes() => SecretKey is { Length: > 0 } key ? Convert.FromBase64String(key) : null;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!TryParseDelays(RetryDelaysSeconds, out _))
        {
            yield return new ValidationResult(
                "Webhooks:RetryDelaysSeconds must list at most 20 waits of 1 to 604800 seconds, comma-separated (empty: no retries).",
                [nameof(RetryDelaysSeconds)]);
        }

        if (LeaseSeconds <= TimeoutSeconds)
        {
            yield return new ValidationResult(
                "Webhooks:LeaseSeconds must be longer than Webhooks:TimeoutSeconds, or another node would deliver what one is still delivering.",
                [nameof(LeaseSeconds)]);
        }

        if (SecretKey is { Length: > 0 } && !IsKey(SecretKey))
        {
            yield return new ValidationResult("Webhooks:SecretKey must be the base64 of 32 bytes.", [nameof(SecretKey)]);
        }
    }

    private static bool TryParseDelays(string text, out int[] delays)
    {
        delays = [];
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var parsed = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out parsed[i]) || parsed[i] is < 1 or > 604_800)
            {
                return false;
            }
        }

        delays = parsed;
        return parts.Length <= 20;
    }

    private static bool IsKey(string base64)
    {
        var bytes = new byte[64];
        return Convert.TryFromBase64String(base64, bytes, out var written) && written == 32;
    }
}
