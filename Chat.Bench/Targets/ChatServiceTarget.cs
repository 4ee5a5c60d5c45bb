using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Chat.Bench.Load;
using Chat.Contracts;
using Chat.Contracts.Serialization;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Bench.Targets;

/// <summary>
/// The chat service: Chat.Api nodes the bench started (one, or several sharing Redis) or a node that
/// runs already (<c>--url</c>). Users are guests, one per connection, so per-user connection caps
/// never bind.
/// </summary>
public sealed class ChatServiceTarget : IBenchTarget
{
    private static readonly JsonSerializerOptions Json = CreateJson();

    private readonly IReadOnlyList<ServerProcess> processes;
    private readonly IReadOnlyList<HttpClient> http;
    private readonly int? serverPid;
    private readonly DatabaseProcesses? database;
    private readonly string? databaseConnectionString;
    private readonly Lazy<Task<BenchIdentity>> roomOwner;

    private ChatServiceTarget(
        IReadOnlyList<Uri> nodes,
        IReadOnlyList<ServerProcess> processes,
        int? serverPid,
        DatabaseProcesses? database,
        string? databaseConnectionString,
        string description)
    {
        Nodes = nodes;
        this.processes = processes;
        this.serverPid = serverPid;
        this.database = database;
        this.databaseConnectionString = databaseConnectionString;
        Description = description;
        http = nodes.Select(n => new HttpClient { BaseAddress = n, Timeout = TimeSpan.FromMinutes(2) }).ToList();
        roomOwner = new Lazy<Task<BenchIdentity>>(RegisterRoomOwnerAsync);
    }

    public string Name => "ours";

    public string Description { get; }

    public TargetWire Wire => TargetWire.SignalR;

    public IReadOnlyList<Uri> Nodes { get; }

    /// <summary>
    /// Nodes started and stopped by someone else (the chaos run, which kills and restarts them),
    /// for making users and rooms on them.
    /// </summary>
    public static ChatServiceTarget Attach(IReadOnlyList<Uri> nodes, string description) =>
        new(nodes, [], null, null, null, description);

    /// <summary>Starts the nodes the settings ask for, or wraps <c>--url</c>.</summary>
    public static async Task<ChatServiceTarget> StartAsync(BenchSettings settings, string writerMode, CancellationToken cancellationToken)
    {
        var database = settings.Postgres is { Length: > 0 } postgres ? await DatabaseProcesses.FindAsync(postgres, cancellationToken) : null;
        if (settings.Url is { } url)
        {
            return new ChatServiceTarget([url], [], settings.ServerPid, database, settings.Postgres, $"running node {url}");
        }

        var dll = ApiLocator.Find(settings.ApiDll);
        var environment = NodeEnvironment(settings, writerMode, settings.Nodes > 1 ? settings.Redis! : "");
        var started = await ServerProcess.StartSeveralAsync(
            settings.Nodes, () => ServerProcess.StartAsync(dll, [], environment, "health/ready", cancellationToken));
        var description = $"{settings.Nodes} node{(settings.Nodes > 1 ? "s on Redis" : "")}, MessageWriter__Mode={writerMode}";
        return new ChatServiceTarget(started.Select(p => p.Address).ToList(), started, null, database, settings.Postgres, description);
    }

    /// <summary>
    /// The environment of a node the bench starts: the database, a signing key and Redis channels
    /// of this run's own, abuse limits raised out of the load's way, and <c>--node-env</c> last.
    /// Nodes of one run must share it, or tokens and channels would not match between them.
    /// </summary>
    public static Dictionary<string, string> NodeEnvironment(BenchSettings settings, string writerMode, string redis)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var database = settings.Postgres!;
        if (settings.Nodes > 2 && !database.Contains("Maximum Pool Size", StringComparison.OrdinalIgnoreCase))
        {
            // Many nodes with the default pool each (100) would ask the bench's PostgreSQL
            // (max_connections 300) for more than it has: each gets an equal share of 240.
            database += $";Maximum Pool Size={240 / settings.Nodes}";
        }

        // Each run gets channels of its own, so a Redis shared with anything else stays out of it.
        var channelPrefix = $"bench-{Guid.NewGuid():N}"[..16];
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Chat"] = database,
            ["Jwt__SigningKey"] = key,
            // The simulated users hold one token for the whole run; the hub would close their
            // connections when a default 15-minute token expires.
            ["Jwt__TokenLifetimeSeconds"] = "86400",
            ["MessageWriter__Mode"] = writerMode,
            // The contract's abuse limits would throttle a load test long before the server is busy.
            ["RateLimits__MessagesPerWindow"] = "10000",
            ["RateLimits__WindowMilliseconds"] = "1000",
            ["RateLimits__ConnectionsPerUser"] = "1000",
            // Every simulated user is a guest made from this one address, and the owner creates
            // every room over REST.
            ["RateLimits__Guests__Permits"] = "1000000",
            ["RateLimits__Requests__Permits"] = "1000000",
            ["RateLimits__Membership__Permits"] = "1000000",
            ["RateLimits__History__Permits"] = "1000000",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Redis__Configuration"] = redis,
            ["Redis__ChannelPrefix"] = channelPrefix,
        };
        if (settings.Scenario == Scenario.Bots)
        {
            foreach (var (name, value) in BenchBot.NodeEnvironment(settings))
            {
                environment[name] = value;
            }
        }

        foreach (var (name, value) in settings.NodeEnvironment)
        {
            environment[name] = value;
        }

        return environment;
    }

    // Every simulated user is a guest, the cheapest user to make (no password to hash). Guests
    // may not create rooms, so one registered owner creates them all and stays an offline member
    // of each: registering and signing in hash a password twice, which at one owner per room
    // took minutes of a run's set-up.
    public async Task<BenchIdentity> CreateUserAsync(int index, CancellationToken cancellationToken)
    {
        var node = index % Nodes.Count;
        using var guest = await http[node].PostAsJsonAsync("auth/guest", new GuestRequest($"bench {index}"), Json, cancellationToken);
        return await IdentityAsync(guest, node, cancellationToken);
    }

    private async Task<BenchIdentity> IdentityAsync(HttpResponseMessage response, int node, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, "getting a token", cancellationToken);
        var token = (await response.Content.ReadFromJsonAsync<TokenResponse>(Json, cancellationToken))!;
        return new BenchIdentity(token.UserId, token.AccessToken, Nodes[node]);
    }

    public async Task<Guid> CreateRoomAsync(int index, CancellationToken cancellationToken)
    {
        var node = index % Nodes.Count;
        var owner = await roomOwner.Value.WaitAsync(cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/rooms")
        {
            Content = JsonContent.Create(new CreateRoomRequest($"bench-{Guid.NewGuid():N}"[..20], null, false, null), options: Json),
        };
        request.Headers.Authorization = new("Bearer", owner.Token);
        using var response = await http[node].SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, "creating a room", cancellationToken);
        var room = (await response.Content.ReadFromJsonAsync<CreatedRoom>(Json, cancellationToken))!;
        return room.Id;
    }

    private async Task<BenchIdentity> RegisterRoomOwnerAsync()
    {
        var userName = $"bench_{Guid.NewGuid():N}"[..24];
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12));
        using var registered = await http[0].PostAsJsonAsync("auth/register", new RegisterRequest(userName, password, "bench rooms"), Json);
        await EnsureSuccessAsync(registered, "registering the room owner", CancellationToken.None);
        using var signedIn = await http[0].PostAsJsonAsync("auth/token", new TokenRequest(userName, password), Json);
        return await IdentityAsync(signedIn, 0, CancellationToken.None);
    }

    /// <summary>The room's owner adds <see cref="BenchBot"/> to the room.</summary>
    public async Task AddBotAsync(Guid roomId, CancellationToken cancellationToken)
    {
        var owner = await roomOwner.Value.WaitAsync(cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/rooms/{roomId}/bots")
        {
            Content = JsonContent.Create(new AddBotRequest(BenchBot.UserName), options: Json),
        };
        request.Headers.Authorization = new("Bearer", owner.Token);
        using var response = await http[0].SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, "adding the bot to a room", cancellationToken);
    }

    public async Task AddMemberAsync(Guid roomId, BenchIdentity user, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(user.Node, $"api/rooms/{roomId}/members"));
        request.Headers.Authorization = new("Bearer", user.Token);
        using var response = await HttpFor(user).SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, "joining a room", cancellationToken);
    }

    public Task ConfirmMembershipAsync(SimulatedUser user, Guid roomId, CancellationToken cancellationToken) =>
        MembershipConfirmation.ConfirmAsync(Name, user, roomId, cancellationToken);

    public ProcessSample? Sample() => processes.Count > 0
        ? ProcessSample.Sum(processes.Select(p => p.Sample()))
        : serverPid is { } pid ? ProcessSample.Read(pid) : null;

    public double? DatabaseCpuSeconds() => database?.CpuSeconds();

    public Task<DatabaseUpkeep?> DatabaseUpkeepAsync(CancellationToken cancellationToken) =>
        databaseConnectionString is { Length: > 0 } connectionString
            ? DatabaseUpkeep.ReadAsync(connectionString, cancellationToken)
            : Task.FromResult<DatabaseUpkeep?>(null);

    public Task<long?> AllocatedBytesAsync(CancellationToken cancellationToken) => AllocatedBytes.ReadAsync(http, cancellationToken);

    public Task<long?> CutOffConnectionsAsync(CancellationToken cancellationToken) => CutOffConnections.ReadAsync(http, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var client in http)
        {
            client.Dispose();
        }

        await ServerProcess.DisposeAllAsync(processes);
    }

    private HttpClient HttpFor(BenchIdentity user)
    {
        for (var i = 0; i < Nodes.Count; i++)
        {
            if (Nodes[i] == user.Node)
            {
                return http[i];
            }
        }

        return http[0];
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"{what} failed with {(int)response.StatusCode}: {body}");
        }
    }

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ChatSerialization.ConfigureJson(options);
        return options;
    }

    private sealed record CreatedRoom(Guid Id);
}
