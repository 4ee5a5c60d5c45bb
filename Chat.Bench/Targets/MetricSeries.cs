using System.Globalization;

namespace Chat.Bench.Targets;

/// <summary>Reads a series out of the Prometheus text a node serves at <c>/metrics</c>.</summary>
public static class MetricSeries
{
    /// <summary>
    /// The sum of <paramref name="series"/> over all its label sets (a counter tagged by reason
    /// has a line per reason); null where the exposition has no such line.
    /// </summary>
    public static long? Sum(string exposition, string series)
    {
        double? total = null;
        foreach (var line in exposition.AsSpan().EnumerateLines())
        {
            // "name value" or "name{labels} value", optionally followed by a timestamp.
            if (line.StartsWith(series) && line.Length > series.Length && line[series.Length] is ' ' or '{')
            {
                var rest = line[series.Length..];
                if (rest[0] == '{')
                {
                    rest = rest[(rest.IndexOf('}') + 1)..];
                }

                rest = rest.Trim();
                var end = rest.IndexOf(' ');
                if (!double.TryParse(end < 0 ? rest : rest[..end], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    return null;
                }

                total = (total ?? 0) + value;
            }
        }

        return total is { } sum ? (long)sum : null;
    }
}
