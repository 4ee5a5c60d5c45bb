using System.Diagnostics;
using Chat.Bench.Load;
using Chat.Bench.Reporting;
using Chat.Bench.Targets;
using Spectre.Console;

namespace Chat.Bench.Scenarios;

/// <summary>
/// One scenario against one target: make the users and rooms, connect at the configured pace,
/// drive the load, wait for late deliveries and sum it all up.
/// </summary>
public sealed class ScenarioRun(BenchSettings settings, IBenchTarget target, IAnsiConsole console)
{
    private const int SetupParallelism = 32;
    private const int DisposeParallelism = 256;

    private readonly LoadMetrics metrics = new();
    private readonly ReplyMetrics? replies = settings.Scenario == Scenario.Bots ? new() : null;
    private readonly List<SimulatedUser> users = [];
    private readonly List<Guid> rooms = [];
    private readonly List<RawHubConnection> stuckMembers = [];
    private ProcessSample? measureStart;
    private CpuSnapshot cpuStart;
    private long? allocatedStart;
    private DatabaseUpkeep? upkeepStart;
    private LoadDriver? driver;
    private WorkerFleet? fleet;
    private long? cutOffStart;
    private int workersMissing;
    private RedisInfo? redisStart;

    private int RoomCount => settings.Scenario switch
    {
        Scenario.Connections => 0,
        Scenario.HotRoom => 1,
        _ => settings.Rooms,
    };

    private int MembersPerRoom => settings.Scenario switch
    {
        Scenario.Connections => 0,
        Scenario.Persist => 1,
        _ => settings.Members,
    };

    private LoadDriver Driver => driver ??= new LoadDriver(
        users, RoomCount, MembersPerRoom, metrics, settings.MaxInFlight, settings.MessageSize,
        replies is null ? null : BenchBot.TriggerPadding(settings.ReplyWords));

    private int UserCount => settings.Scenario == Scenario.Connections ? settings.Connections : RoomCount * MembersPerRoom;

    // One run has one kind; BenchRunner runs each kind asked for on nodes of its own.
    private StuckKind Stuck => settings.Stuck is [var kind] ? kind : StuckKind.None;

    public async Task<ScenarioResult> RunAsync(CancellationToken cancellationToken)
    {
        var title = $"{ScenarioName(settings.Scenario)} on {target.Name}";
        var view = new ProgressView(console, settings.Live, title, metrics, target);
        using var connector = new LoopbackConnector(settings.SourceAddresses);
        try
        {
            return await view.RunAsync(() => DriveAsync(view, connector, cancellationToken));
        }
        finally
        {
            if (fleet is not null)
            {
                await fleet.DisposeAsync();
            }

            foreach (var stuck in stuckMembers)
            {
                await stuck.DisposeAsync();
            }

            await Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = DisposeParallelism }, async (user, _) => await user.DisposeAsync());
        }
    }

    public static string ScenarioName(Scenario scenario) => scenario switch
    {
        Scenario.HotRoom => "hot-room",
        _ => scenario.ToString().ToLowerInvariant(),
    };

    private async Task<ScenarioResult> DriveAsync(ProgressView view, LoopbackConnector connector, CancellationToken cancellationToken)
    {
        view.Phase = $"creating {UserCount:N0} users";
        var identities = new BenchIdentity[UserCount];
        await Parallel.ForAsync(0, UserCount, Setup(cancellationToken), async (i, ct) => identities[i] = await target.CreateUserAsync(i, ct));

        view.Phase = $"creating {RoomCount:N0} rooms";
        var roomIds = new Guid[RoomCount];
        await Parallel.ForAsync(0, RoomCount, Setup(cancellationToken), async (r, ct) =>
            roomIds[r] = await target.CreateRoomAsync(r * MembersPerRoom, ct));
        view.Phase = $"adding {MembersPerRoom:N0} members to each room";
        // Every member at once: a hot room's thousands of joins would take long one after the other.
        await Parallel.ForAsync(0, RoomCount * MembersPerRoom, Setup(cancellationToken), async (i, ct) =>
            await target.AddMemberAsync(roomIds[i / MembersPerRoom], identities[i], ct));
        rooms.AddRange(roomIds);
        if (replies is not null)
        {
            view.Phase = $"adding {BenchBot.UserName} to each room";
            var service = target as ChatServiceTarget ?? throw new InvalidOperationException("bots runs on the chat service only");
            await Parallel.ForAsync(0, RoomCount, Setup(cancellationToken), async (r, ct) => await service.AddBotAsync(roomIds[r], ct));
        }

        if (settings.Workers > 1)
        {
            view.Phase = $"starting {settings.Workers} load workers";
            fleet = await WorkerFleet.StartAsync(settings.Workers, settings, target, identities, roomIds, MembersPerRoom);
        }
        else
        {
            foreach (var identity in identities)
            {
                users.Add(new SimulatedUser(identity, target.Wire, settings.Json, connector, metrics, replies));
            }

            SimulatedUser.Seat(users, rooms, MembersPerRoom);
        }

        WarnAboutDescriptorLimit();
        var beforeConnecting = target.Sample();
        view.Phase = $"connecting {UserCount:N0} at {settings.ConnectRate:N0}/s";
        var connectClock = Stopwatch.StartNew();
        await ConnectAllAsync(view, cancellationToken);
        var connectSeconds = connectClock.Elapsed.TotalSeconds;
        var connected = target.Sample();
        await StartMeasuringAsync(cancellationToken);

        if (settings.Warmup > TimeSpan.Zero && settings.Scenario != Scenario.Connections)
        {
            await WarmUpAsync(view, cancellationToken);
        }

        if (Stuck != StuckKind.None)
        {
            await AddStuckMembersAsync(view, cancellationToken);
        }

        var start = Stopwatch.GetTimestamp();
        IReadOnlyList<RampStep>? steps = null;
        switch (settings.Scenario)
        {
            case Scenario.Connections:
                view.Phase = $"holding {UserCount:N0} idle connections for {settings.Duration.TotalSeconds:N0} s";
                await Task.Delay(settings.Duration, cancellationToken);
                break;
            case Scenario.Persist:
                view.Phase = $"sending from {UserCount:N0} connections, {settings.Window} outstanding each";
                await Driver.SendClosedLoopAsync(settings.Duration, settings.Window, cancellationToken);
                break;
            case Scenario.Ramp:
                steps = await RampAsync(view, cancellationToken);
                break;
            case Scenario.Bots:
                view.Phase = $"asking {BenchBot.UserName} {settings.Rate:N1} times/s in each of {RoomCount:N0} rooms";
                await Driver.SendPacedAsync(settings.Rate, settings.Duration, cancellationToken);
                break;
            default:
                view.Phase = $"sending {settings.Rate:N1}/s in each of {RoomCount:N0} rooms";
                await SendPacedAsync(settings.Rate, settings.Duration, cancellationToken);
                break;
        }

        view.Phase = "waiting for acks and late deliveries";
        await DrainAsync(cancellationToken);
        var measured = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var end = target.Sample();
        var cpu = CpuSnapshot.Take(target, fleet?.Pids).Since(cpuStart);
        var redis = redisStart is { } redisBegun && await ReadRedisAsync(cancellationToken) is { } redisEnd
            ? new RedisUsage(Math.Round(redisEnd.CpuSeconds - redisBegun.CpuSeconds, 2), redisEnd.UsedMemoryBytes, redisEnd.RssBytes)
            : null;
        var allocated = await target.AllocatedBytesAsync(cancellationToken) - allocatedStart;
        var upkeep = upkeepStart is { } begun && await target.DatabaseUpkeepAsync(cancellationToken) is { } upkeepEnd ? upkeepEnd.Since(begun) : null;
        var cutOff = await target.CutOffConnectionsAsync(cancellationToken) - cutOffStart;
        metrics.TakeInterval();
        replies?.TakeInterval();
        if (fleet is not null)
        {
            // The workers' counts and latencies become this run's, as if their users were here.
            foreach (var report in await fleet.ReportAsync())
            {
                metrics.Absorb(report);
                workersMissing += report.MembersMissingMessages;
            }
        }

        return Summarize(connectSeconds, measured, beforeConnecting, connected, end, cpu, allocated, upkeep, steps) with { CutOff = cutOff, Redis = redis };
    }

    /// <summary>
    /// Waits, up to <c>--drain</c>, for acks and owed deliveries, then (bots) for every reply to
    /// reach every member of its room and end there.
    /// </summary>
    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        if (fleet is not null)
        {
            await fleet.DrainAsync(settings.Drain);
            return;
        }

        var clock = Stopwatch.StartNew();
        await Driver.DrainAsync(settings.Drain, cancellationToken);
        while (replies is not null && clock.Elapsed < settings.Drain
            && (replies.Started < metrics.Acked * MembersPerRoom || replies.Ended < replies.Started))
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    private async Task WarmUpAsync(ProgressView view, CancellationToken cancellationToken)
    {
        view.Phase = $"warming up for {settings.Warmup.TotalSeconds:N0} s";
        if (settings.Scenario == Scenario.Persist)
        {
            await Driver.SendClosedLoopAsync(settings.Warmup, settings.Window, cancellationToken);
        }
        else
        {
            await SendPacedAsync(settings.Rate, settings.Warmup, cancellationToken);
        }

        await DrainAsync(cancellationToken);
        // Per-member counts keep running: after a full drain they agree as they stand.
        await StartMeasuringAsync(cancellationToken);
        metrics.Reset();
        replies?.Reset();
        if (fleet is not null)
        {
            await fleet.ResetAsync();
        }
    }

    /// <summary>
    /// One more member in each room, on the node the next user would get, whose connection joins
    /// and then stops taking its data: it receives what the room sends but is no receiver the
    /// bench counts, so the measures are the other members'.
    /// </summary>
    private async Task AddStuckMembersAsync(ProgressView view, CancellationToken cancellationToken)
    {
        view.Phase = $"adding a member that {(Stuck == StuckKind.StopsReading ? "stops reading" : "never acknowledges")} to each room";
        for (var r = 0; r < RoomCount; r++)
        {
            var identity = await target.CreateUserAsync(UserCount + r, cancellationToken);
            await target.AddMemberAsync(rooms[r], identity, cancellationToken);
            stuckMembers.Add(await RawHubConnection.StuckInRoomAsync(identity.Node, identity.Token!, rooms[r], Stuck));
        }
    }

    /// <summary>Where the measured window starts: the servers', the database's, the bench's and the machine's counters.</summary>
    private async Task StartMeasuringAsync(CancellationToken cancellationToken)
    {
        cutOffStart = await target.CutOffConnectionsAsync(cancellationToken);
        measureStart = target.Sample();
        cpuStart = CpuSnapshot.Take(target, fleet?.Pids);
        redisStart = await ReadRedisAsync(cancellationToken);
        allocatedStart = await target.AllocatedBytesAsync(cancellationToken);
        upkeepStart = await target.DatabaseUpkeepAsync(cancellationToken);
    }

    /// <summary>Open loop at the given rate per room, here or in the load workers.</summary>
    private async Task SendPacedAsync(double ratePerRoom, TimeSpan duration, CancellationToken cancellationToken)
    {
        if (fleet is null)
        {
            await Driver.SendPacedAsync(ratePerRoom, duration, cancellationToken);
        }
        else
        {
            await fleet.SendPacedAsync(ratePerRoom, duration);
        }
    }

    /// <summary>The Redis the target's nodes share, when they are several on one.</summary>
    private Task<RedisInfo?> ReadRedisAsync(CancellationToken cancellationToken) =>
        target.Nodes.Count > 1 && settings.Redis is { Length: > 0 } redis
            ? RedisInfo.ReadAsync(redis, cancellationToken)
            : Task.FromResult<RedisInfo?>(null);

    private async Task ConnectAllAsync(ProgressView view, CancellationToken cancellationToken)
    {
        if (fleet is not null)
        {
            var reports = await fleet.ConnectAsync(settings.ConnectRate);
            view.OnConnected(reports.Sum(r => r.Connected));
            foreach (var (code, count) in reports.SelectMany(r => r.Errors))
            {
                metrics.OnError(code, count);
            }

            return;
        }

        await ConnectPacer.ConnectAllAsync(
            users,
            settings.ConnectRate,
            MembersPerRoom > 0 ? (user, i, ct) => target.ConfirmMembershipAsync(user, rooms[i / MembersPerRoom], ct) : null,
            metrics,
            view.OnConnected,
            cancellationToken);
    }

    private async Task<IReadOnlyList<RampStep>> RampAsync(ProgressView view, CancellationToken cancellationToken)
    {
        var steps = new List<RampStep>();
        var schedule = new RampSchedule(settings.Rate, settings.RampFactor, settings.RampMaxSteps, settings.RampRefinements);
        for (var i = 1; schedule.Rate is { } rate; i++)
        {
            // A step over the bound is run again at the same rate before it counts as over: on a
            // shared machine one stall (another process's burst, a checkpoint) can push a single
            // step's p99 over, and the knee would then say more about that stall than the load.
            var within = false;
            for (var attempt = 0; attempt <= settings.RampRetries && !within; attempt++)
            {
                var again = attempt > 0 ? ", again" : "";
                var narrowing = schedule.Narrowing ? ", narrowing" : "";
                view.Phase = $"ramp step {i}{narrowing}{again}: {rate:N1}/s in each of {RoomCount:N0} rooms ({rate * RoomCount:N0}/s)";
                var step = await RampStepAsync(rate, cancellationToken);
                steps.Add(step);
                within = step.WithinBound;
                if (!within)
                {
                    // A step over the bound leaves a backlog of sends and deliveries behind; the
                    // next step, a retry or a lower rate, would otherwise be judged on it too.
                    await Driver.DrainAsync(settings.Drain, cancellationToken);
                }
            }

            schedule.Record(within);
        }

        return steps;
    }

    private async Task<RampStep> RampStepAsync(double rate, CancellationToken cancellationToken)
    {
        var (sent, delivered, errors) = (metrics.Sent, metrics.Delivered, metrics.Errors.Values.Sum());
        metrics.BeginStep();
        var clock = Stopwatch.StartNew();
        await Driver.SendPacedAsync(rate, settings.RampStep, cancellationToken);
        var histogram = metrics.EndStep();
        var seconds = clock.Elapsed.TotalSeconds;
        var latency = LatencySummary.From(histogram);
        var sentPerSecond = (metrics.Sent - sent) / seconds;
        var stepErrors = metrics.Errors.Values.Sum() - errors;
        var within = latency.P99 <= settings.P99Bound.TotalMilliseconds && stepErrors == 0 && sentPerSecond >= 0.9 * rate * RoomCount;
        return new RampStep(rate, rate * RoomCount, sentPerSecond, (metrics.Delivered - delivered) / seconds, latency, stepErrors, within);
    }

    private ScenarioResult Summarize(
        double connectSeconds,
        double measured,
        ProcessSample? beforeConnecting,
        ProcessSample? connected,
        ProcessSample? end,
        CpuUse? cpu,
        long? allocated,
        IReadOnlyList<string>? upkeep,
        IReadOnlyList<RampStep>? steps)
    {
        ServerUsage? server = null;
        if (beforeConnecting is { } b && connected is { } c && end is { } e)
        {
            var serverCpu = e.CpuSeconds - (measureStart ?? c).CpuSeconds;
            // Idle connections are measured at the end of the hold, once start-up garbage has settled.
            var memoryAfter = settings.Scenario == Scenario.Connections ? e.RssBytes : c.RssBytes;
            server = new ServerUsage(
                Math.Round(serverCpu, 2),
                Math.Round(serverCpu / measured * 100, 1),
                b.RssBytes,
                c.RssBytes,
                e.RssBytes,
                e.PeakRssBytes,
                Math.Round((double)(memoryAfter - b.RssBytes) / Math.Max(1, UserCount), 1));
        }

        return new ScenarioResult
        {
            Target = target.Name,
            TargetDescription = target.Description,
            Scenario = ScenarioName(settings.Scenario),
            Protocol = settings.Json ? "json" : "messagepack",
            Connections = UserCount,
            Rooms = RoomCount,
            MembersPerRoom = MembersPerRoom,
            RatePerRoom = settings.Scenario is Scenario.Rooms or Scenario.HotRoom or Scenario.Ramp ? settings.Rate : 0,
            ConnectSeconds = Math.Round(connectSeconds, 2),
            MeasuredSeconds = Math.Round(measured, 2),
            Sent = metrics.Sent,
            Acked = metrics.Acked,
            Failed = metrics.Failed,
            Delivered = metrics.Delivered,
            MembersMissingMessages = fleet is null ? LoadDriver.MembersMissingMessages(users, RoomCount, MembersPerRoom) : workersMissing,
            ExpectedDeliveries = metrics.ExpectedDeliveries,
            SentPerSecond = Math.Round(metrics.Sent / measured, 1),
            AckedPerSecond = Math.Round(metrics.Acked / measured, 1),
            DeliveredPerSecond = Math.Round(metrics.Delivered / measured, 1),
            Latency = LatencySummary.From(metrics.DeliveryTotal),
            AckLatency = LatencySummary.From(metrics.AckTotal),
            Errors = new SortedDictionary<string, long>(metrics.Errors.ToDictionary(), StringComparer.Ordinal),
            Server = server,
            Cpu = cpu,
            ServerAllocatedBytes = allocated,
            DatabaseUpkeep = upkeep,
            ClientRssBytes = Environment.WorkingSet + (fleet?.Pids.Sum(pid => ProcessSample.Read(pid)?.RssBytes ?? 0) ?? 0),
            Stuck = Stuck switch
            {
                StuckKind.StopsReading => "stops reading",
                StuckKind.NeverAcknowledges => "never acknowledges",
                _ => "none",
            },
            Steps = steps,
            Knee = steps?.Where(s => s.WithinBound).MaxBy(s => s.RatePerRoom),
            Replies = replies is null ? null : new BotReplyResult(
                settings.ReplyWords,
                settings.WordDelay.TotalMilliseconds,
                metrics.Acked * MembersPerRoom,
                replies.Started,
                replies.Completed,
                replies.EndedOtherwise,
                replies.Deltas,
                Math.Round(replies.Deltas / measured, 1),
                replies.Gaps,
                replies.Unstamped,
                LatencySummary.From(replies.DeltaTotal)),
        };
    }

    private void WarnAboutDescriptorLimit()
    {
        var line = File.Exists("/proc/self/limits")
            ? File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal))
            : null;
        var parts = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // Each load worker holds its share; each node its share too.
        var perProcess = UserCount / settings.Workers;
        if (parts is { Length: > 3 } && long.TryParse(parts[3], out var limit) && limit < perProcess + 1000)
        {
            console.WriteLine($"warning: the open-file limit is {limit:N0}, too low for {perProcess:N0} connections a process; raise it with ulimit -n or spread them with --workers (the nodes need the same)");
        }
    }

    private static ParallelOptions Setup(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = SetupParallelism, CancellationToken = cancellationToken };
}
