namespace Chat.Api.Metrics;

/// <summary>Whether the node serves its metrics for Prometheus.</summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>Serve <c>/metrics</c> (anonymous: restrict it at the proxy).</summary>
    public bool Enabled { get; set; } = true;
}
