using System.ComponentModel.DataAnnotations;

namespace Chat.Hubs.Connections;

/// <summary>
/// How nodes sharing a Redis notice each other's death: each renews a heartbeat key that expires
/// after <see cref="NodeTimeoutSeconds"/>, and every node sweeps for expired ones.
/// </summary>
public sealed class ClusterOptions : IValidatableObject
{
    public const string SectionName = "Cluster";

    /// <summary>How often a node renews its heartbeat.</summary>
    [Range(1, 3600)]
    public int HeartbeatSeconds { get; set; } = 5;

    /// <summary>How long a heartbeat lives: a node silent for this long counts as dead.</summary>
    [Range(2, 86_400)]
    public int NodeTimeoutSeconds { get; set; } = 15;

    /// <summary>How often each node looks for dead nodes whose users must go offline.</summary>
    [Range(1, 3600)]
    public int SweepSeconds { get; set; } = 5;

    /// <summary>
    /// How often each node compares its connections' room groups with the memberships in the
    /// database and puts right what a lost group change left wrong (also once Redis answers again
    /// after an outage).
    /// </summary>
    [Range(1, 86_400)]
    public int GroupReconcileSeconds { get; set; } = 60;

    public TimeSpan HeartbeatEvery => TimeSpan.FromSeconds(HeartbeatSeconds);

    public TimeSpan NodeTimeout => TimeSpan.FromSeconds(NodeTimeoutSeconds);

    public TimeSpan SweepEvery => TimeSpan.FromSeconds(SweepSeconds);

    public TimeSpan GroupReconcileEvery => TimeSpan.FromSeconds(GroupReconcileSeconds);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // A heartbeat that lives no longer than the gap between beats lets a healthy node look dead.
        if (NodeTimeoutSeconds <= HeartbeatSeconds)
        {
            yield return new ValidationResult(
                $"{nameof(NodeTimeoutSeconds)} must be longer than {nameof(HeartbeatSeconds)}",
                [nameof(NodeTimeoutSeconds), nameof(HeartbeatSeconds)]);
        }
    }
}
