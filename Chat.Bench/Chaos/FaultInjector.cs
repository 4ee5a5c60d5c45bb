using System.Diagnostics;

namespace Chat.Bench.Chaos;

/// <summary>A fault as it happened: when it began and when it ended (Stopwatch timestamps).</summary>
public sealed record FaultWindow(PlannedFault Fault, long StartedAt, long EndedAt);

/// <summary>
/// Carries out one fault on the cluster and holds it for its duration. Its end is when the
/// cluster is whole again from the outside: a killed node or Redis answers again, a frozen one
/// is let go, PostgreSQL takes connections again.
/// </summary>
public sealed class FaultInjector(ChaosCluster cluster, ChaosSettings settings)
{
    public async Task<FaultWindow> RunAsync(PlannedFault fault, CancellationToken cancellationToken)
    {
        var hold = settings.Duration(fault.Kind);
        var started = Stopwatch.GetTimestamp();
        switch (fault.Kind)
        {
            case FaultKind.NodeKill:
                await cluster.KillNodeAsync(fault.Node);
                await Task.Delay(hold, cancellationToken);
                await cluster.StartNodeAsync(fault.Node, cancellationToken);
                break;
            case FaultKind.NodePause:
                cluster.PauseNode(fault.Node);
                try
                {
                    await Task.Delay(hold, cancellationToken);
                }
                finally
                {
                    cluster.ResumeNode(fault.Node);
                }

                break;
            case FaultKind.RedisRestart:
                await cluster.Redis.KillAsync();
                await Task.Delay(hold, cancellationToken);
                await cluster.Redis.StartAgainAsync(cancellationToken);
                break;
            case FaultKind.RedisPause:
                cluster.Redis.Pause();
                try
                {
                    await Task.Delay(hold, cancellationToken);
                }
                finally
                {
                    cluster.Redis.Resume();
                }

                break;
            case FaultKind.PostgresRestart:
                await cluster.Database.BeginAsync(cancellationToken);
                try
                {
                    await Task.Delay(hold, cancellationToken);
                }
                finally
                {
                    // Given back even when the run is cancelled: a database left closed would
                    // outlive the run.
                    await cluster.Database.EndAsync(CancellationToken.None);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault));
        }

        return new FaultWindow(fault, started, Stopwatch.GetTimestamp());
    }
}
