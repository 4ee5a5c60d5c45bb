using System.Globalization;
using Chat.Bench.Chaos;
using Chat.Bench.Load;

namespace Chat.Bench;

/// <summary>The scenarios the bench can run.</summary>
public enum Scenario
{
    Connections,
    Rooms,
    HotRoom,
    Ramp,
    Persist,
    Chaos,
    Bots,
}

/// <summary>What the scenario runs against.</summary>
public enum TargetKind
{
    /// <summary>The chat service only.</summary>
    Ours,

    /// <summary>The chat service, then the bare hub, with ratios between the two.</summary>
    Both,

    /// <summary>The chat service, then the Socket.IO peer, with ratios between the two.</summary>
    SocketIo,

    /// <summary>The chat service, the bare hub and the Socket.IO peer, each peer's ratios to ours.</summary>
    All,
}

/// <summary>Everything a bench run is told on its command line.</summary>
public sealed record BenchSettings
{
    public Scenario Scenario { get; init; } = Scenario.Rooms;
    public TargetKind Target { get; init; } = TargetKind.Ours;
    public bool Json { get; init; }
    public Uri? Url { get; init; }
    public int? ServerPid { get; init; }
    public string? Postgres { get; init; }
    public string? Redis { get; init; }
    public int Nodes { get; init; } = 1;

    /// <summary>Processes the simulated users are spread over (one process may open only so many files).</summary>
    public int Workers { get; init; } = 1;
    public string? ApiDll { get; init; }
    /// <summary>The writer mode of started nodes; unset, persist compares both and the rest use Batched.</summary>
    public string? MessageWriterMode { get; init; }

    /// <summary>
    /// Extra environment for the nodes the bench starts (runtime or service settings to compare),
    /// kept apart from the bench's own process so only the node under test changes.
    /// </summary>
    public IReadOnlyDictionary<string, string> NodeEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Idle connections of the connections scenario.</summary>
    public int Connections { get; init; } = 1000;
    public int Rooms { get; init; } = 10;
    public int Members { get; init; } = 10;

    /// <summary>Members of the hot room unless <c>--members</c> says otherwise.</summary>
    public const int HotRoomMembers = 2000;

    /// <summary>Messages per second in each room (the starting rate of ramp).</summary>
    public double Rate { get; init; } = 5;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(20);
    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Load sent before measuring, so start-up costs (JIT, pools) stay out of the numbers.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>New connections per second while connecting.</summary>
    public double ConnectRate { get; init; } = 500;
    public int SourceAddresses { get; init; } = 8;
    public int MessageSize { get; init; } = 64;
    public int MaxInFlight { get; init; } = 20_000;

    /// <summary>Sends each connection keeps outstanding in persist.</summary>
    public int Window { get; init; } = 1;
    public TimeSpan P99Bound { get; init; } = TimeSpan.FromMilliseconds(200);
    public double RampFactor { get; init; } = 1.5;
    public TimeSpan RampStep { get; init; } = TimeSpan.FromSeconds(10);
    public int RampMaxSteps { get; init; } = 12;

    /// <summary>How many times a ramp step over the bound is run again at its rate before the ramp stops.</summary>
    public int RampRetries { get; init; } = 1;

    /// <summary>How many steps a ramp spends, once over the bound, narrowing the gap below it (see RampSchedule).</summary>
    public int RampRefinements { get; init; } = 3;

    /// <summary>
    /// One run per entry, each on fresh nodes: with a stuck member in every room (added when the
    /// measured window starts, not counted as a receiver) or none; the runs are compared with the
    /// one without.
    /// </summary>
    public IReadOnlyList<StuckKind> Stuck { get; init; } = [StuckKind.None];

    /// <summary>How many times the whole comparison runs, the targets taking turns (see BenchRunner).</summary>
    public int Rounds { get; init; } = 1;
    public string? Out { get; init; }
    public bool Live { get; init; } = true;

    /// <summary>Words each trigger of the bots scenario asks the bot to echo, one streamed word each.</summary>
    public int ReplyWords { get; init; } = 40;

    /// <summary>The bench bot's pause between the words it streams.</summary>
    public TimeSpan WordDelay { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Triggers per second per room in the bots scenario unless <c>--rate</c> says otherwise.</summary>
    public const double BotTriggerRate = 1;

    /// <summary>The faults of the chaos scenario.</summary>
    public ChaosSettings Chaos { get; init; } = new();

    public const string Usage = """
        Chat.Bench SCENARIO [options]      scenarios: connections | rooms | hot-room | ramp | persist | bots | chaos

        Target (default: start Chat.Api nodes from the Release build):
          --postgres CS         PostgreSQL connection string (or ConnectionStrings__Chat)
          --redis HOST:PORT     Redis for --nodes 2 (or Redis__Configuration)
          --nodes N             nodes to start (1 to 8; more than one share --redis); clients are split across them
          --workers N           connections, rooms: spread the simulated users over N processes, whole
                                rooms each (one process may open only so many files)
          --api PATH            Chat.Api.dll to start (default: next to the bench, or the Release build)
          --writer MODE         MessageWriter__Mode for started nodes: Batched | PerMessage
                                (persist runs both unless one is given)
          --node-env NAME=VALUE environment for started nodes only (repeatable), e.g. DOTNET_GCgen0size=...
          --url URL             use a running node instead (--server-pid PID to read its CPU and memory)
          --target T            ours (default) | baseline | both | socketio | all: baseline and both run
                                ours, then a bare SignalR hub in its own process (two on --redis with
                                --nodes 2); socketio runs ours, then a stock Socket.IO server (one
                                Node.js process per node, on the Redis adapter with --nodes 2); all
                                runs the three; each prints ours/peer ratios
          --rounds N            run it all N times, the targets taking turns, and add each ratio's median
        Load:
          --protocol P          messagepack (default) | json
          --connections N       idle connections (connections)
          --rooms R --members M rooms and members per room (rooms, ramp, persist; hot-room: members, 2000)
          --rate S              messages per second per room (ramp: the first step)
          --duration SEC        how long to send or hold      --drain SEC   wait for late deliveries
          --warmup SEC          unmeasured load first (default 2; 0 for none)
          --connect-rate N      new connections per second    --source-addresses K  127.0.0.1..K
          --message-size B      content length                --max-inflight N  unacked sends
          --window N            outstanding sends per connection (persist)
          --stuck K[,K...]      rooms, hot-room: add a member to each room that stops taking its data
                                when measuring starts: none | reading (stops reading its socket) |
                                acks (stateful reconnect, never acknowledges); a run per kind, each
                                compared with none (e.g. --stuck none,reading,acks)
          --reply-words N       bots: words each trigger asks the room's scripted bot to echo (default 40);
                                --rate is then triggers per second per room (default 1)
          --word-delay MS       bots: the bot's pause between words (default 20)
          --p99-bound MS        ramp: stop when a step's p99 passes this (default 200)
          --ramp-factor F --ramp-step SEC --ramp-max-steps N
          --ramp-retries N      ramp: run a step over the bound again N times before it counts (default 1)
          --ramp-refine N       ramp: once over the bound, N steps halving the gap below it (default 3)
        Chaos (two nodes, a redis-server of its own, 200 rooms x 5 members at 5/s each by default):
          --faults N            faults of each kind (default 1), in a shuffled order, one at a time
          --fault-kinds LIST    node-kill,redis-restart,redis-pause,postgres-restart,node-pause (default all)
          --fault-gap SEC       calm after each fault, in which recovery is measured (default 20)
          --node-down SEC       a killed node's time dead (1)   --node-pause SEC  a frozen node's (40)
          --redis-down SEC      (5)   --redis-pause SEC (10)   --postgres-down SEC (5)
          --postgres-ctl CMD    'CMD stop' and 'CMD start' stop and start the PostgreSQL cluster; without
                                it the database fault locks the nodes out of their database instead
          --seed N              the faults' order (default 1)  --logs DIR  keep the nodes' output there
        Output:
          --out FILE.json       write the results as JSON     --no-live  plain progress lines
        """;

    /// <summary>Reads the command line; throws <see cref="ArgumentException"/> with a clear message.</summary>
    /// <summary>Whether the run compares with the bare SignalR hub.</summary>
    public bool WithBaseline => Target is TargetKind.Both or TargetKind.All;

    /// <summary>Whether the run compares with the Socket.IO peer.</summary>
    public bool WithSocketIo => Target is TargetKind.SocketIo or TargetKind.All;

    public static BenchSettings Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            throw new ArgumentException("name a scenario");
        }

        var settings = new BenchSettings { Scenario = ParseScenario(args[0]) };
        settings = settings with
        {
            Postgres = Environment.GetEnvironmentVariable("ConnectionStrings__Chat"),
            Redis = Environment.GetEnvironmentVariable("Redis__Configuration") is { Length: > 0 } redis ? redis : null,
        };
        for (var i = 1; i < args.Count; i++)
        {
            var name = args[i];
            if (name == "--no-live")
            {
                settings = settings with { Live = false };
                continue;
            }

            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"{name} needs a value");
            }

            var value = args[++i];
            settings = name switch
            {
                "--target" => settings with { Target = ParseTarget(value) },
                "--protocol" => settings with { Json = ParseProtocol(value) },
                "--url" => settings with { Url = new Uri(value.EndsWith('/') ? value : value + "/") },
                "--server-pid" => settings with { ServerPid = Int(name, value, 1) },
                "--postgres" => settings with { Postgres = value },
                "--redis" => settings with { Redis = value },
                "--nodes" => settings with { Nodes = Int(name, value, 1, 8) },
                "--workers" => settings with { Workers = Int(name, value, 1, 64) },
                "--api" => settings with { ApiDll = value },
                "--writer" => settings with { MessageWriterMode = value },
                "--node-env" => settings with { NodeEnvironment = WithVariable(settings.NodeEnvironment, value) },
                "--connections" => settings with { Connections = Int(name, value, 1) },
                "--rooms" => settings with { Rooms = Int(name, value, 1) },
                "--members" => settings with { Members = Int(name, value, 1) },
                "--rate" => settings with { Rate = Double(name, value) },
                "--duration" => settings with { Duration = Seconds(name, value) },
                "--drain" => settings with { Drain = Seconds(name, value) },
                "--warmup" => settings with { Warmup = value == "0" ? TimeSpan.Zero : Seconds(name, value) },
                "--connect-rate" => settings with { ConnectRate = Double(name, value) },
                "--source-addresses" => settings with { SourceAddresses = Int(name, value, 1, 250) },
                "--message-size" => settings with { MessageSize = Int(name, value, 24, 4000) },
                "--max-inflight" => settings with { MaxInFlight = Int(name, value, 1) },
                "--window" => settings with { Window = Int(name, value, 1, 1000) },
                "--p99-bound" => settings with { P99Bound = TimeSpan.FromMilliseconds(Double(name, value)) },
                "--ramp-factor" => settings with { RampFactor = Math.Max(1.05, Double(name, value)) },
                "--ramp-step" => settings with { RampStep = Seconds(name, value) },
                "--ramp-max-steps" => settings with { RampMaxSteps = Int(name, value, 1) },
                "--ramp-retries" => settings with { RampRetries = Int(name, value, 0, 10) },
                "--ramp-refine" => settings with { RampRefinements = Int(name, value, 0, 10) },
                "--rounds" => settings with { Rounds = Int(name, value, 1, 20) },
                "--stuck" => settings with { Stuck = [.. value.Split(',').Select(ParseStuck)] },
                "--out" => settings with { Out = value },
                "--reply-words" => settings with { ReplyWords = Int(name, value, 1, 1000) },
                "--word-delay" => settings with { WordDelay = TimeSpan.FromMilliseconds(Int(name, value, 0, 10_000)) },
                "--faults" => settings with { Chaos = settings.Chaos with { FaultsPerKind = Int(name, value, 1, 1000) } },
                "--fault-kinds" => settings with { Chaos = settings.Chaos with { Kinds = FaultKinds.ParseList(value) } },
                "--fault-gap" => settings with { Chaos = settings.Chaos with { Gap = Seconds(name, value) } },
                "--node-down" => settings with { Chaos = settings.Chaos with { NodeDown = Seconds(name, value) } },
                "--node-pause" => settings with { Chaos = settings.Chaos with { NodePause = Seconds(name, value) } },
                "--redis-down" => settings with { Chaos = settings.Chaos with { RedisDown = Seconds(name, value) } },
                "--redis-pause" => settings with { Chaos = settings.Chaos with { RedisPause = Seconds(name, value) } },
                "--postgres-down" => settings with { Chaos = settings.Chaos with { PostgresDown = Seconds(name, value) } },
                "--postgres-ctl" => settings with { Chaos = settings.Chaos with { PostgresControl = value } },
                "--seed" => settings with { Chaos = settings.Chaos with { Seed = Int(name, value, 0) } },
                "--logs" => settings with { Chaos = settings.Chaos with { Logs = value } },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }

        if (settings.Scenario == Scenario.HotRoom && !args.Contains("--members"))
        {
            settings = settings with { Members = HotRoomMembers };
        }

        if (settings.Stuck.Any(kind => kind != StuckKind.None)
            && (settings.Scenario is not (Scenario.Rooms or Scenario.HotRoom) || settings.Target != TargetKind.Ours))
        {
            throw new ArgumentException("--stuck is for rooms and hot-room on the chat service (--target ours)");
        }

        if (settings.Scenario == Scenario.Chaos)
        {
            settings = WithChaosDefaults(settings, args);
        }

        if (settings.Scenario == Scenario.Bots)
        {
            settings = WithBotDefaults(settings, args);
        }

        if (settings.Url is null && string.IsNullOrEmpty(settings.Postgres))
        {
            throw new ArgumentException("give --postgres (or ConnectionStrings__Chat) so the bench can start nodes, or --url");
        }

        if (settings.Url is null && settings.Nodes > 1 && string.IsNullOrEmpty(settings.Redis) && settings.Scenario != Scenario.Chaos)
        {
            throw new ArgumentException($"--nodes {settings.Nodes} needs --redis");
        }

        if (settings.Workers > 1 && (settings.Scenario is not (Scenario.Connections or Scenario.Rooms) || settings.Stuck.Any(k => k != StuckKind.None)))
        {
            throw new ArgumentException("--workers is for connections and rooms, without --stuck");
        }

        return settings;
    }

    /// <summary>
    /// The chaos scenario always starts two nodes and a redis-server of its own (it kills that
    /// one, so it must never be a shared one), and its load defaults to 1,000 users.
    /// </summary>
    private static BenchSettings WithChaosDefaults(BenchSettings settings, IReadOnlyList<string> args)
    {
        if (settings.Url is not null)
        {
            throw new ArgumentException("chaos starts, kills and restarts its own nodes: --url cannot be used");
        }

        settings = settings with
        {
            Nodes = 2,
            Redis = null,
            Rooms = args.Contains("--rooms") ? settings.Rooms : ChaosSettings.DefaultRooms,
            Members = args.Contains("--members") ? settings.Members : ChaosSettings.DefaultMembers,
            Warmup = args.Contains("--warmup") ? settings.Warmup : ChaosSettings.DefaultWarmup,
        };
        return settings.Members >= 2 ? settings : throw new ArgumentException("chaos needs --members 2 or more: someone must receive each message");
    }

    /// <summary>
    /// The bots scenario declares its bot on the nodes it starts, so it needs nodes of its own and
    /// has no bare-hub counterpart; its rate is triggers, each worth a whole streamed reply.
    /// </summary>
    private static BenchSettings WithBotDefaults(BenchSettings settings, IReadOnlyList<string> args)
    {
        if (settings.Url is not null || settings.Target != TargetKind.Ours)
        {
            throw new ArgumentException("bots declares its bot on nodes it starts: --url and --target other than ours cannot be used");
        }

        return args.Contains("--rate") ? settings : settings with { Rate = BotTriggerRate };
    }

    private static Scenario ParseScenario(string value) => value switch
    {
        "connections" => Scenario.Connections,
        "rooms" => Scenario.Rooms,
        "hot-room" => Scenario.HotRoom,
        "ramp" => Scenario.Ramp,
        "persist" => Scenario.Persist,
        "chaos" => Scenario.Chaos,
        "bots" => Scenario.Bots,
        _ => throw new ArgumentException($"unknown scenario '{value}'"),
    };

    private static StuckKind ParseStuck(string value) => value switch
    {
        "none" => StuckKind.None,
        "reading" => StuckKind.StopsReading,
        "acks" => StuckKind.NeverAcknowledges,
        _ => throw new ArgumentException($"--stuck takes none, reading and acks, not '{value}'"),
    };

    private static TargetKind ParseTarget(string value) => value switch
    {
        "ours" => TargetKind.Ours,
        "baseline" or "both" => TargetKind.Both,
        "socketio" => TargetKind.SocketIo,
        "all" => TargetKind.All,
        _ => throw new ArgumentException($"--target is ours, baseline, both, socketio or all, not '{value}'"),
    };

    private static bool ParseProtocol(string value) => value switch
    {
        "messagepack" => false,
        "json" => true,
        _ => throw new ArgumentException($"--protocol is messagepack or json, not '{value}'"),
    };

    private static Dictionary<string, string> WithVariable(IReadOnlyDictionary<string, string> environment, string value)
    {
        var equals = value.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new ArgumentException($"--node-env needs NAME=VALUE, not '{value}'");
        }

        return new Dictionary<string, string>(environment) { [value[..equals]] = value[(equals + 1)..] };
    }

    private static int Int(string name, string value, int min, int max = int.MaxValue) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{name} needs a whole number from {min} to {max}, not '{value}'");

    private static double Double(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d > 0
            ? d
            : throw new ArgumentException($"{name} needs a positive number, not '{value}'");

    private static TimeSpan Seconds(string name, string value) => TimeSpan.FromSeconds(Double(name, value));
}
