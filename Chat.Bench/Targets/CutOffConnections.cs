namespace Chat.Bench.Targets;

/// <summary>
/// How many hub connections the chat nodes have cut off for not taking their data, from their
/// <c>chat.connections.cut_off</c> counter: whether a stuck member was dealt with in the run.
/// </summary>
public static class CutOffConnections
{
    /// <summary>The counter's series, one line per reason.</summary>
    public const string Series = "chat_connections_cut_off_total";

    /// <summary>The sum over <paramref name="servers"/>; null if one of them cannot be read.</summary>
    public static async Task<long?> ReadAsync(IEnumerable<HttpClient> servers, CancellationToken cancellationToken)
    {
        long total = 0;
        foreach (var server in servers)
        {
            try
            {
                // No line yet means none so far: the counter appears with its first count.
                total += MetricSeries.Sum(await server.GetStringAsync(AllocatedBytes.MetricsPath, cancellationToken), Series) ?? 0;
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }

        return total;
    }
}
