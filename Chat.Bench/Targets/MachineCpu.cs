using System.Globalization;

namespace Chat.Bench.Targets;

/// <summary>The machine's CPU time, busy and in all, from the first line of /proc/stat (in ticks).</summary>
public readonly record struct MachineCpu(long BusyTicks, long TotalTicks)
{
    /// <summary>Null where /proc/stat is missing.</summary>
    public static MachineCpu? Read()
    {
        try
        {
            // cpu user nice system idle iowait irq softirq steal guest guest_nice; guest time is
            // counted in user already.
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..9]
                .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var total = fields.Sum();
            var idle = fields[3] + fields[4];
            return new MachineCpu(total - idle, total);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>How busy the machine was between <paramref name="start"/> and this reading, 100 = every core.</summary>
    public double BusyPercentSince(MachineCpu start) =>
        TotalTicks == start.TotalTicks ? 0 : Math.Round(100.0 * (BusyTicks - start.BusyTicks) / (TotalTicks - start.TotalTicks), 1);
}
