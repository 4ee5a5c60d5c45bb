using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Chat.Bench.Reporting;
using Chat.Bench.Targets;
using Microsoft.AspNetCore.SignalR.Client;
using Spectre.Console;

namespace Chat.Bench.Chaos;

/// <summary>
/// The chaos scenario: two nodes on a Redis of the run's own, members on both sending at a steady
/// rate, a schedule of faults one after the other with calm between them, then a quiet period in
/// which every client catches up, and the checker's verdict.
/// </summary>
public sealed class ChaosRun(BenchSettings settings, IAnsiConsole console)
{
    private const int SetupParallelism = 32;
    private const int ConnectParallelism = 64;
    private const int FinalSyncAttempts = 5;

    // Long enough for the clients' own retry window (a minute by default) and then some.
    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan ReconnectLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(5);

    private readonly long runStart = Stopwatch.GetTimestamp();
    private readonly List<string> incidents = [];
    private ChaosMember[] members = [];
    private bool membersDisposed;
    private string phase = "starting";

    private int RoomCount => settings.Rooms;

    private int MembersPerRoom => settings.Members;

    public async Task<ChaosReport> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var startedAt = DateTime.UtcNow;
        var chaos = settings.Chaos;
        var schedule = FaultSchedule.Plan(chaos);
        var ledger = new MessageLedger(MembersPerRoom);
        var marker = new MessageMarker(Guid.NewGuid().ToString("N")[..8], settings.MessageSize);
        PrintPlan(schedule);

        await using var cluster = await ChaosCluster.StartAsync(settings, cancellationToken);
        using var progress = new CancellationTokenSource();
        var printing = PrintProgressAsync(ledger, progress.Token);
        try
        {
            var rooms = await SetUpAsync(cluster, ledger, marker, cancellationToken);
            var load = new ChaosLoad(members, RoomCount, MembersPerRoom, ledger);
            using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var sending = load.RunAsync(settings.Rate, stopSending.Token);

            phase = $"calm for {settings.Warmup.TotalSeconds:N0} s before the first fault";
            await Task.Delay(settings.Warmup, cancellationToken);
            var windows = await InjectAllAsync(new FaultInjector(cluster, chaos), schedule, cancellationToken);

            phase = "quiet: sends stopped, waiting for the outstanding ones";
            await stopSending.CancelAsync();
            await sending;
            await load.SettleAsync(SettleLimit, cancellationToken);
            phase = "quiet: every client catches up with Sync";
            var unsynced = await FinalSyncAsync(cancellationToken);
            var runSeconds = Seconds(Stopwatch.GetTimestamp() - runStart);

            phase = "checking";
            var diagnosis = (await MissedMessageProbe.RunAsync(ledger, members, cancellationToken)).Concat(OrderViolationSamples()).ToList();
            await DisposeMembersAsync();
            var counts = await ConsistencyCheck.RunAsync(ledger, marker, settings.Postgres!, rooms, members, cancellationToken);
            var recoveries = RecoveryTimes.Measure(ledger, windows, NodeOf, ChaosCluster.NodeCount);
            var report = Report(arguments, startedAt, runSeconds, ledger, counts, windows, recoveries, unsynced, diagnosis, cluster.Database.Description);
            await progress.CancelAsync();
            await printing;
            ChaosReportPrinter.Print(console, report);
            await WriteAsync(report, cancellationToken);
            return report;
        }
        finally
        {
            await progress.CancelAsync();
            await printing;
            await DisposeMembersAsync();
        }
    }

    private void PrintPlan(IReadOnlyList<PlannedFault> schedule)
    {
        var chaos = settings.Chaos;
        var holding = schedule.Sum(f => chaos.Duration(f.Kind).TotalSeconds) + (schedule.Count * chaos.Gap.TotalSeconds) + settings.Warmup.TotalSeconds;
        console.WriteLine(
            $"chaos: {RoomCount:N0} rooms x {MembersPerRoom:N0} members on 2 nodes, {settings.Rate * RoomCount:N0} sends/s; " +
            $"{schedule.Count} faults ({string.Join(", ", chaos.Kinds.Select(FaultKinds.Name))} x {chaos.FaultsPerKind}), seed {chaos.Seed}, " +
            $"{chaos.Gap.TotalSeconds:N0} s apart; about {holding / 60:N0} min of faults and calm, plus set-up and the quiet period");
    }

    /// <summary>Users (guests, spread over the two nodes), rooms, and every member connected and in its room.</summary>
    private async Task<Guid[]> SetUpAsync(ChaosCluster cluster, MessageLedger ledger, MessageMarker marker, CancellationToken cancellationToken)
    {
        var target = ChatServiceTarget.Attach(cluster.Nodes, "chaos");
        await using var _ = target;
        var users = RoomCount * MembersPerRoom;
        var options = new ParallelOptions { MaxDegreeOfParallelism = SetupParallelism, CancellationToken = cancellationToken };
        phase = $"creating {users:N0} users and {RoomCount:N0} rooms";
        var identities = new BenchIdentity[users];
        await Parallel.ForAsync(0, users, options, async (i, ct) => identities[i] = await target.CreateUserAsync(i, ct));
        var rooms = new Guid[RoomCount];
        await Parallel.ForAsync(0, RoomCount, options, async (r, ct) => rooms[r] = await target.CreateRoomAsync(r, ct));

        // CreateUserAsync put user i on node i % 2, so every room has members on both.
        members = Enumerable.Range(0, users)
            .Select(i => new ChaosMember(identities[i], i % ChaosCluster.NodeCount, i / MembersPerRoom, i % MembersPerRoom, rooms[i / MembersPerRoom], ledger, marker, runStart))
            .ToArray();

        phase = $"connecting {users:N0} members";
        var start = Stopwatch.GetTimestamp();
        var connecting = new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = cancellationToken };
        await Parallel.ForAsync(0, users, connecting, async (i, ct) =>
        {
            var due = TimeSpan.FromSeconds(i / settings.ConnectRate) - Stopwatch.GetElapsedTime(start);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, ct);
            }

            await members[i].ConnectAsync(ct);
        });
        return rooms;
    }

    private async Task<List<FaultWindow>> InjectAllAsync(FaultInjector injector, IReadOnlyList<PlannedFault> schedule, CancellationToken cancellationToken)
    {
        var windows = new List<FaultWindow>();
        foreach (var fault in schedule)
        {
            foreach (var incident in await injector.Cluster.RestartExitedNodesAsync(cancellationToken))
            {
                incidents.Add($"before fault {fault.Number}: {incident}");
                console.WriteLine($"[{Clock()}] {incidents[^1]}");
            }

            var name = $"fault {fault.Number}/{schedule.Count}: {FaultKinds.Name(fault.Kind)} {fault.Target}";
            phase = name;
            console.WriteLine($"[{Clock()}] {name} for {settings.Chaos.Duration(fault.Kind).TotalSeconds:N0} s");
            var window = await injector.RunAsync(fault, cancellationToken);
            windows.Add(window);
            console.WriteLine($"[{Clock()}] {name} over after {Seconds(window.EndedAt - window.StartedAt):N1} s{string.Concat(window.Notes.Select(n => "; " + n))}");
            phase = $"calm after {name}";
            await Task.Delay(settings.Chaos.Gap, cancellationToken);
        }

        return windows;
    }

    /// <summary>
    /// Every member catches up once more, the way its client does after a reconnect: the run's
    /// "all clients Sync" before the checker looks. Returns how many could not.
    /// </summary>
    private async Task<int> FinalSyncAsync(CancellationToken cancellationToken)
    {
        var failed = 0;
        await Parallel.ForEachAsync(members, new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = cancellationToken }, async (member, ct) =>
        {
            var deadline = Stopwatch.GetTimestamp() + (long)(ReconnectLimit.TotalSeconds * Stopwatch.Frequency);
            for (var attempt = 1; ; attempt++)
            {
                while (member.Client.State != HubConnectionState.Connected && Stopwatch.GetTimestamp() < deadline)
                {
                    await Task.Delay(200, ct);
                }

                try
                {
                    await member.Client.CatchUpAsync(ct);
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    if (attempt == FinalSyncAttempts || Stopwatch.GetTimestamp() >= deadline)
                    {
                        Interlocked.Increment(ref failed);
                        console.WriteLine($"final Sync of {member.Identity.UserId} on {ChaosCluster.NodeName(member.Node)} failed: {e.Message}");
                        return;
                    }

                    await Task.Delay(TimeSpan.FromSeconds(1), ct);
                }
            }
        });
        return failed;
    }

    private int NodeOf(int room, int slot) => members[(room * MembersPerRoom) + slot].Node;

    private IEnumerable<string> OrderViolationSamples()
    {
        var samples = members.Where(m => m.OrderViolations > 0).Take(10).ToList();
        if (samples.Count > 0)
        {
            yield return $"seq order violations at {members.Count(m => m.OrderViolations > 0):N0} members; the first ones of {samples.Count}:";
        }

        foreach (var member in samples)
        {
            yield return $"  {ChaosCluster.NodeName(member.Node)} room {member.Room} member {member.Slot}: {string.Join("; ", member.ViolationSamples)}";
        }
    }

    /// <summary>Closes every member's client; what they counted stays readable for the report.</summary>
    private async Task DisposeMembersAsync()
    {
        if (!membersDisposed)
        {
            membersDisposed = true;
            await Parallel.ForEachAsync(members, new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism }, async (member, _) => await member.DisposeAsync());
        }
    }

    private ChaosReport Report(
        IReadOnlyList<string> arguments,
        DateTime startedAt,
        double runSeconds,
        MessageLedger ledger,
        ConsistencyCounts counts,
        IReadOnlyList<FaultWindow> windows,
        IReadOnlyList<Recovery> recoveries,
        int unsynced,
        IReadOnlyList<string> diagnosis,
        string postgresFault)
    {
        var faults = windows.Select((w, i) => new FaultResult(
            w.Fault.Number,
            FaultKinds.Name(w.Fault.Kind),
            w.Fault.Target,
            Math.Round(Seconds(w.StartedAt - runStart), 1),
            Math.Round(Seconds(w.EndedAt - w.StartedAt), 2),
            Rounded(recoveries[i].AcksBackSeconds),
            Rounded(recoveries[i].ConvergedSeconds),
            recoveries[i].NeverConverged,
            w.Notes)).ToList();
        var bound = settings.Chaos.ConvergenceBound.TotalSeconds;
        return new ChaosReport
        {
            StartedAt = startedAt,
            Machine = MachineInfo.Current(),
            Arguments = BenchRunner.Redacted(arguments),
            Rooms = RoomCount,
            MembersPerRoom = MembersPerRoom,
            SendsPerSecond = settings.Rate * RoomCount,
            Seed = settings.Chaos.Seed,
            PostgresFault = postgresFault,
            Seconds = Math.Round(runSeconds, 1),
            Sent = ledger.Count,
            Acked = ledger.Acked,
            Failed = ledger.Failed,
            Unsettled = ledger.InFlight,
            FailuresByCode = new SortedDictionary<string, long>(ledger.Failures.ToDictionary(), StringComparer.Ordinal),
            Received = ledger.Received,
            Counts = counts,
            MembersWithoutFinalSync = unsynced,
            ConvergenceBoundSeconds = bound,
            Faults = faults,
            Kinds = settings.Chaos.Kinds.Select(k => FaultKindSummary.Of(FaultKinds.Name(k), faults.Where(f => f.Kind == FaultKinds.Name(k)).ToList(), bound)).ToList(),
            Diagnosis = diagnosis,
            Incidents = incidents,
            Timeline = Timeline.Build(ledger, runStart, NodeOf, ChaosCluster.NodeCount),
        };
    }

    private async Task WriteAsync(ChaosReport report, CancellationToken cancellationToken)
    {
        if (settings.Out is { } path)
        {
            await using var file = File.Create(path);
            await JsonSerializer.SerializeAsync(file, report, BenchRunner.JsonOptions, cancellationToken);
            console.WriteLine($"results written to {Path.GetFullPath(path)}");
        }
    }

    /// <summary>A plain line every few seconds: the phase, the load, and how many members are connected.</summary>
    private async Task PrintProgressAsync(MessageLedger ledger, CancellationToken cancellationToken)
    {
        var (lastSent, lastAcked, lastReceived) = (0L, 0L, 0L);
        using var timer = new PeriodicTimer(ProgressEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var (sent, acked, received) = (ledger.Count, ledger.Acked, ledger.Received);
                var seconds = ProgressEvery.TotalSeconds;
                var connected = membersDisposed ? 0 : members.Count(m => m.Client.State == HubConnectionState.Connected);
                console.WriteLine(
                    $"[{Clock()}] {phase}: sent/s {(sent - lastSent) / seconds:N0}, acked/s {(acked - lastAcked) / seconds:N0}, " +
                    $"received/s {(received - lastReceived) / seconds:N0}, in flight {ledger.InFlight:N0}, failed {ledger.Failed:N0}, " +
                    $"connected {connected:N0}/{members.Length:N0}");
                (lastSent, lastAcked, lastReceived) = (sent, acked, received);
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }

    // Seconds into the run, and the time of day the nodes' logs carry.
    private string Clock() =>
        $"{Seconds(Stopwatch.GetTimestamp() - runStart).ToString("F1", CultureInfo.InvariantCulture)} s {DateTime.Now:HH:mm:ss}";

    private static double Seconds(long ticks) => ticks / (double)Stopwatch.Frequency;

    private static double? Rounded(double? seconds) => seconds is { } s ? Math.Round(s, 2) : null;
}
