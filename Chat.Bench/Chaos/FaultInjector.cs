using System.Diagnostics;

namespace Chat.Bench.Chaos;

/// <summary>
/// A fault as it happened: when it began and when it ended (Stopwatch timestamps), and anything
/// that did not go as planned (a node found gone at the end of its pause).
/// </summary>
public sealed record FaultWindow(PlannedFault Fault, long StartedAt, long EndedAt, IReadOnlyList<string> Notes);

/// <summary>
/// Carries out one fault on the cluster and holds it for its duration. Its end is when the
/// cluster is whole again from the outside: a killed node or Redis answers again, a frozen one
/// is let go, PostgreSQL takes connections again.
/// </summary>
public sealed class FaultInjector(ChaosCluster cluster, ChaosSettings settings)
{
    public ChaosCluster Cluster => cluster;

    public async Task<FaultWindow> RunAsync(PlannedFault fault, CancellationToken cancellationToken)
    {
        var hold = settings.Duration(fault.Kind);
        var started = Stopwatch.GetTimestamp();
        var notes = new List<string>();
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
                    if (!cluster.ResumeNode(fault.Node))
                    {
                        notes.Add($"{fault.Target} was gone at the end of its pause");
                    }
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

        // A node that died on its own is started again: the fault ends when the cluster is whole.
        notes.AddRange(await cluster.RestartExitedNodesAsync(cancellationToken));
        return new FaultWindow(fault, started, Stopwatch.GetTimestamp(), notes);
    }
}
