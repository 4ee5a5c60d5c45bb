using System.Globalization;

namespace Chat.Tests.Infrastructure;

/// <summary>Reads what a node's <c>/metrics</c> endpoint serves, as a scraper would.</summary>
public static class PrometheusText
{
    /// <summary>
    /// The sum of the samples whose metric name starts with <paramref name="prefix"/> and ends with
    /// <paramref name="suffix"/>, and whose labels hold <paramref name="label"/> when one is given.
    /// </summary>
    public static double Sample(string scraped, string prefix, string suffix, string label = "") => Samples(scraped)
        .Where(s => s.Name.StartsWith(prefix, StringComparison.Ordinal) && s.Name.EndsWith(suffix, StringComparison.Ordinal)
            && s.Labels.Contains(label, StringComparison.Ordinal))
        .Sum(s => s.Value);

    public static IEnumerable<string> Names(string scraped) => Samples(scraped).Select(s => s.Name);

    /// <summary>The current total of counter <paramref name="name"/> (its Prometheus name, without <c>_total</c>) on <paramref name="node"/>.</summary>
    public static async Task<double> CounterAsync(ChatNode node, string name, string label = "")
    {
        using var http = node.Http();
        return Sample(await http.GetStringAsync("metrics"), name, "_total", label);
    }

    // Prometheus text: "name{labels} value [timestamp]" per line, comments start with '#'.
    private static IEnumerable<(string Name, string Labels, double Value)> Samples(string scraped)
    {
        foreach (var line in scraped.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            // Label values may hold braces (route templates), never the value after them.
            var nameEnd = line.IndexOfAny(['{', ' ']);
            var valueStart = line[nameEnd] == '{' ? line.LastIndexOf('}') + 1 : nameEnd;
            var value = line[valueStart..].Trim().Split(' ')[0];
            yield return (line[..nameEnd], line[nameEnd..valueStart], double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture));
        }
    }
}
