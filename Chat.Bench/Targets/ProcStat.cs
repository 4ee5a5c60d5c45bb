using System.Globalization;

namespace Chat.Bench.Targets;

/// <summary>The fields of /proc/PID/stat the bench reads: the name, the parent and the CPU times.</summary>
public readonly record struct ProcStat(string Command, int ParentPid, double CpuSeconds, double ReapedChildrenCpuSeconds)
{
    // USER_HZ is 100 on every Linux architecture .NET runs on; /proc reports times in it.
    private const double TicksPerSecond = 100;

    /// <summary>Null when the process is gone or /proc is missing.</summary>
    public static ProcStat? Read(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) is in parentheses and may hold spaces; the fields after its
        // ')' are fixed, from the state (field 3) on.
        var open = stat.IndexOf('(');
        var close = stat.LastIndexOf(')');
        var fields = stat[(close + 2)..].Split(' ');
        return new ProcStat(
            stat[(open + 1)..close],
            int.Parse(fields[1], CultureInfo.InvariantCulture),
            (Ticks(fields[11]) + Ticks(fields[12])) / TicksPerSecond,
            (Ticks(fields[13]) + Ticks(fields[14])) / TicksPerSecond);
    }

    private static long Ticks(string field) => long.Parse(field, CultureInfo.InvariantCulture);
}
