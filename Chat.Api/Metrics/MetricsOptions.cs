namespace Chat.Api.Metrics;

/// <summary>Whether the node serves its metrics for Prometheus, and to whom.</summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>Serve <c>/metrics</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Networks (CIDR) whose scrapers may read <c>/metrics</c>; anyone else gets 404. Behind a
    /// trusted proxy the client's own address counts, not the proxy's. None listed: loopback only
    /// (<see cref="Loopback"/>), which a list replaces rather than extends.
    /// </summary>
    public string[] AllowedNetworks { get; set; } = [];

    public static readonly string[] Loopback = ["127.0.0.0/8", "::1/128"];
}
