using Chat.Bench.Reporting;

namespace Chat.Bench.Targets;

/// <summary>
/// The CPU counters of everything on the machine that takes part in a run, read at one instant;
/// two of them bound a measured window.
/// </summary>
public readonly record struct CpuSnapshot(double? Server, double? Database, double? Bench, MachineCpu? Machine)
{
    public static CpuSnapshot Take(IBenchTarget target) => new(
        target.Sample()?.CpuSeconds, target.DatabaseCpuSeconds(), ProcStat.Read(Environment.ProcessId)?.CpuSeconds, MachineCpu.Read());

    /// <summary>What each used since <paramref name="start"/>; null where the server or the machine could not be read.</summary>
    public CpuUse? Since(CpuSnapshot start)
    {
        if (Server is not { } server || start.Server is not { } serverStart
            || Bench is not { } bench || start.Bench is not { } benchStart
            || Machine is not { } machine || start.Machine is not { } machineStart)
        {
            return null;
        }

        return new CpuUse(
            Math.Round(server - serverStart, 2),
            Database - start.Database is { } database ? Math.Round(database, 2) : null,
            Math.Round(bench - benchStart, 2),
            machine.BusyPercentSince(machineStart));
    }
}
