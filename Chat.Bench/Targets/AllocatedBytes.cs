namespace Chat.Bench.Targets;

/// <summary>
/// How many bytes a server's .NET runtime has allocated so far, from the runtime's own counter
/// on the server's Prometheus endpoint: allocation per message is the garbage collector's work
/// per message, and unlike CPU time it does not move with what else the machine is doing.
/// </summary>
public static class AllocatedBytes
{
    public const string MetricsPath = "metrics";

    /// <summary>The series of the runtime's <c>dotnet.gc.heap.total_allocated</c> counter.</summary>
    public const string Series = "dotnet_gc_heap_total_allocated_bytes_total";

    /// <summary>The sum over <paramref name="servers"/>; null if any of them does not tell.</summary>
    public static async Task<long?> ReadAsync(IEnumerable<HttpClient> servers, CancellationToken cancellationToken)
    {
        long total = 0;
        foreach (var server in servers)
        {
            try
            {
                if (Parse(await server.GetStringAsync(MetricsPath, cancellationToken)) is not { } bytes)
                {
                    return null;
                }

                total += bytes;
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }

        return total;
    }

    /// <summary>The counter's value in a Prometheus text exposition; null where it is missing.</summary>
    public static long? Parse(string exposition) => MetricSeries.Sum(exposition, Series);
}
