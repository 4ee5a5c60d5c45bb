using System.Globalization;

namespace Chat.Bench.Targets;

/// <summary>CPU time and resident memory of one process, read from /proc at one instant.</summary>
public readonly record struct ProcessSample(long Timestamp, double CpuSeconds, long RssBytes, long PeakRssBytes)
{
    /// <summary>Reads /proc/PID/stat and status; null when the process is gone or /proc is missing.</summary>
    public static ProcessSample? Read(int pid)
    {
        if (ProcStat.Read(pid) is not { } stat)
        {
            return null;
        }

        try
        {
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

            return new ProcessSample(System.Diagnostics.Stopwatch.GetTimestamp(), stat.CpuSeconds, rss, peak);
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
