using Chat.Bench.Reporting;

namespace Chat.Bench.Targets;

/// <summary>
/// The CPU counters of what shares the machine with the servers (their database, the bench) and
/// of the machine itself, read at one instant; two of them bound a measured window. The servers'
/// own CPU is in their <see cref="ProcessSample"/>s.
/// </summary>
public readonly record struct CpuSnapshot(double? Database, double? Bench, MachineCpu? Machine)
{
    /// <summary>The bench's CPU includes its load workers' (<paramref name="workerPids"/>).</summary>
    public static CpuSnapshot Take(IBenchTarget target, IReadOnlyList<int>? workerPids = null) =>
        new(target.DatabaseCpuSeconds(), BenchCpuSeconds(workerPids ?? []), MachineCpu.Read());

    private static double? BenchCpuSeconds(IReadOnlyList<int> workerPids) =>
        ProcStat.Read(Environment.ProcessId)?.CpuSeconds + workerPids.Sum(pid => ProcStat.Read(pid)?.CpuSeconds ?? 0);

    /// <summary>What each used since <paramref name="start"/>; null where the bench or the machine could not be read.</summary>
    public CpuUse? Since(CpuSnapshot start)
    {
        if (Bench is not { } bench || start.Bench is not { } benchStart
            || Machine is not { } machine || start.Machine is not { } machineStart)
        {
            return null;
        }

        return new CpuUse(
            Database - start.Database is { } database ? Math.Round(database, 2) : null,
            Math.Round(bench - benchStart, 2),
            machine.BusyPercentSince(machineStart));
    }
}
