using System.Globalization;

namespace Chat.Bench.Targets;

/// <summary>CPU time and resident memory of one process, read from /proc at one instant.</summary>
public readonly record struct ProcessSample(long Timestamp, double CpuSeconds, long RssBytes, long PeakRssBytes)
{
    // USER_HZ is 100 on every Linux architecture .NET runs on; /proc reports times in it.
    private const double TicksPerSecond = 100;

    /// <summary>Reads /proc/PID/stat and status; null when the process is gone or /proc is missing.</summary>
    public static ProcessSample? Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) may hold spaces; the fields after its ')' are fixed.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
            var stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
            long rss = 0, peak = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kilobytes(line);
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = Kilobytes(line);
                }
            }

            return new ProcessSample(System.Diagnostics.Stopwatch.GetTimestamp(), (utime + stime) / TicksPerSecond, rss, peak);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Sums the samples of several processes (the nodes of a cluster).</summary>
    public static ProcessSample? Sum(IEnumerable<ProcessSample?> samples)
    {
        ProcessSample? total = null;
        foreach (var sample in samples)
        {
            if (sample is not { } s)
            {
                continue;
            }

            total = total is { } t
                ? new ProcessSample(Math.Max(t.Timestamp, s.Timestamp), t.CpuSeconds + s.CpuSeconds, t.RssBytes + s.RssBytes, t.PeakRssBytes + s.PeakRssBytes)
                : s;
        }

        return total;
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
}
