using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// A fresh database and <paramref name="nodes"/> nodes on it, shared by the tests of one class,
/// linked by the test Redis when <paramref name="linkedByRedis"/>, telling time by
/// <paramref name="clock"/> when one is given, with <paramref name="connectionOptions"/> (such as
/// <c>Maximum Pool Size=3</c>) added to the nodes' connection string. The class fixtures below
/// differ only in the settings their nodes start with; each is a type of its own because xunit
/// shares a class fixture by its type.
/// </summary>
public class NodeFixture(
    IDictionary<string, string?>? settings = null,
    int nodes = 1,
    bool linkedByRedis = false,
    TimeProvider? clock = null,
    string? connectionOptions = null) : IAsyncLifetime
{
    private readonly List<ChatNode> started = [];
    private string connectionString = "";

    /// <summary>The name of the fixture's database, for a test that acts on it from an admin connection.</summary>
    public string DatabaseName => new NpgsqlConnectionStringBuilder(connectionString).Database!;

    /// <summary>The clock the nodes tell time by: the system's unless the fixture gave one.</summary>
    public TimeProvider Clock { get; } = clock ?? TimeProvider.System;

    /// <summary>The (first) node.</summary>
    public ChatNode Node => started[0];

    protected IReadOnlyList<ChatNode> Nodes => started;

    public async Task InitializeAsync()
    {
        connectionString = await TestServers.CreateDatabaseAsync();
        var nodeConnectionString = connectionOptions is null ? connectionString : $"{connectionString};{connectionOptions}";
        for (var i = 0; i < nodes; i++)
        {
            started.Add(ChatNode.Start(nodeConnectionString, linkedByRedis ? TestServers.Redis : null, settings, Clock));
        }
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var node in started)
        {
            await node.DisposeAsync();
        }

        await TestServers.DropDatabaseAsync(connectionString);
    }

    /// <summary>Runs one SQL statement against the database, to arrange rows no endpoint makes.</summary>
    public async Task<int> ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs one SQL query that answers a single value.</summary>
    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private NpgsqlCommand Command(string sql, (string Name, object Value)[] parameters)
    {
        var command = Node.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}

/// <summary>One node with the settings of a laptop run.</summary>
public sealed class ChatNodeFixture() : NodeFixture();

/// <summary>
/// One node whose address may fail to sign in or refresh a thousand times, so that tests that
/// present bad refresh tokens on purpose never run out.
/// </summary>
public sealed class SessionsNodeFixture() : NodeFixture(new Dictionary<string, string?>
{
    ["RateLimits:SignInFailuresPerAddress:Permits"] = "1000",
});

/// <summary>
/// One node whose retention runs every second deleting two messages per statement, so a short
/// history already takes several batches.
/// </summary>
public sealed class RoomsNodeFixture() : NodeFixture(new Dictionary<string, string?>
{
    ["Retention:BatchSize"] = "2",
    ["Retention:IntervalSeconds"] = "1",
});

/// <summary>
/// One node with small abuse limits: 30 messages per minute (a token every 2 s, so 30 quick sends
/// all fit before one comes back) and 3 connections per user.
/// </summary>
public sealed class LimitsNodeFixture() : NodeFixture(new Dictionary<string, string?>
{
    ["RateLimits:MessagesPerWindow"] = MessagesPerWindow.ToString(CultureInfo.InvariantCulture),
    ["RateLimits:WindowMilliseconds"] = "60000",
    ["RateLimits:ConnectionsPerUser"] = ConnectionsPerUser.ToString(CultureInfo.InvariantCulture),
})
{
    public const int MessagesPerWindow = 30;
    public const int ConnectionsPerUser = 3;
}

/// <summary>
/// One node whose attachment limit is 1 MiB: small enough that a test exceeds it cheaply, large
/// enough that a download spans several chunks. A user's files may hold 3.5 MiB in all.
/// </summary>
public sealed class AttachmentNodeFixture() : NodeFixture(new Dictionary<string, string?>
{
    ["Chat:MaxAttachmentBytes"] = MaxAttachmentBytes.ToString(CultureInfo.InvariantCulture),
    ["Chat:MaxStoredBytesPerUser"] = MaxStoredBytesPerUser.ToString(CultureInfo.InvariantCulture),
})
{
    public const long MaxAttachmentBytes = 1024 * 1024;
    public const long MaxStoredBytesPerUser = 7 * MaxAttachmentBytes / 2;
}

/// <summary>
/// One node whose history pages and <c>Sync</c> answers are cut at 16 KiB, so a few large
/// messages already fill one.
/// </summary>
public sealed class SmallAnswersNodeFixture() : NodeFixture(new Dictionary<string, string?>
{
    ["Chat:MaxAnswerBytes"] = "16384",
});

/// <summary>
/// One node whose pools hold at most <see cref="MaxPoolSize"/> connections each, so that a burst
/// of a dozen users already asks for more connections than there are.
/// </summary>
public sealed class SmallPoolNodeFixture() : NodeFixture(connectionOptions: $"Maximum Pool Size={MaxPoolSize}")
{
    public const int MaxPoolSize = 3;
}

/// <summary>
/// One node that reaches its database through a <see cref="PostgresRelay"/>, which a test can
/// have break a connection right after a commit.
/// </summary>
public sealed class RelayedNodeFixture : NodeFixture
{
    public RelayedNodeFixture()
        : this(new PostgresRelay())
    {
    }

    // Options later in a connection string win: the relay's host and port replace the server's.
    private RelayedNodeFixture(PostgresRelay relay)
        : base(connectionOptions: relay.ConnectionOptions) => Relay = relay;

    public PostgresRelay Relay { get; }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Relay.DisposeAsync();
    }
}

/// <summary>Two nodes on one database, with or without a Redis backplane between them.</summary>
public abstract class TwoNodeFixture(bool linkedByRedis, IDictionary<string, string?>? settings = null, TimeProvider? clock = null)
    : NodeFixture(settings, nodes: 2, linkedByRedis: linkedByRedis, clock: clock)
{
    public ChatNode NodeA => Nodes[0];

    public ChatNode NodeB => Nodes[1];
}

/// <summary>Two nodes that share the test Redis as their backplane.</summary>
public sealed class ChatClusterFixture() : TwoNodeFixture(linkedByRedis: true);

/// <summary>
/// Two nodes sharing the test Redis on which a room of three is large, and whose presence digests
/// go out only when a test flushes them (the interval is a minute).
/// </summary>
public sealed class LargeRoomsClusterFixture() : TwoNodeFixture(
    linkedByRedis: true,
    new Dictionary<string, string?> { ["Chat:LargeRoomMembers"] = "3", ["Chat:PresenceDigestMilliseconds"] = "60000" })
{
    /// <summary>Sends what each node has gathered for the watchers of large rooms.</summary>
    public Task FlushDigestsAsync() =>
        Task.WhenAll(Nodes.Select(node => node.Services.GetRequiredService<Chat.Hubs.Broadcasting.PresenceDigests>().FlushAsync()));
}

/// <summary>Two nodes with no backplane: each works alone.</summary>
public sealed class UnlinkedNodesFixture() : TwoNodeFixture(linkedByRedis: false);

/// <summary>
/// One node on a <see cref="FakeTimeProvider"/>, for rules that wait on time (typing expiry,
/// mutes, invitation lifetimes): a test moves the clock past the deadline instead of sleeping
/// until it. Time stands still between moves, so only tests of such rules share this node.
/// </summary>
public sealed class FakeClockNodeFixture() : NodeFixture(
    new Dictionary<string, string?> { ["Invitations:MinExpirySeconds"] = "1" }, clock: new FakeTimeProvider(DateTimeOffset.UtcNow))
{
    /// <summary>The node's clock, which only the tests move.</summary>
    public new FakeTimeProvider Clock => (FakeTimeProvider)base.Clock;
}

/// <summary>
/// Two nodes sharing the test Redis and one <see cref="FakeTimeProvider"/>, for expiry that any
/// node may carry out. Their heartbeats wait on the still clock, so a node counts as alive for
/// two minutes of real time instead of the usual seconds.
/// </summary>
public sealed class FakeClockClusterFixture() : TwoNodeFixture(
    linkedByRedis: true,
    new Dictionary<string, string?> { ["Cluster:NodeTimeoutSeconds"] = "120" },
    new FakeTimeProvider(DateTimeOffset.UtcNow))
{
    /// <summary>The nodes' clock, which only the tests move.</summary>
    public new FakeTimeProvider Clock => (FakeTimeProvider)base.Clock;
}

/// <summary>
/// One node whose per-user budgets are a few calls per ten minutes, so a test spends one in a
/// handful of calls and nothing comes back while it runs.
/// </summary>
public sealed class BudgetsNodeFixture() : NodeFixture(Budgets(
    ("Membership", Membership), ("Edits", Edits), ("Reactions", Reactions), ("Typing", Typing), ("Presence", Presence),
    ("Receipts", Receipts), ("History", History), ("Search", Search), ("Uploads", Uploads), ("Requests", Requests)))
{
    public const int Membership = 4;
    public const int Edits = 3;
    public const int Reactions = 3;
    public const int Typing = 3;
    public const int Presence = 2;
    public const int Receipts = 3;
    public const int History = 3;
    public const int Search = 2;
    public const int Uploads = 2;
    public const int Requests = 40;

    /// <summary>The window of every budget here.</summary>
    public const int WindowSeconds = 600;

    private static Dictionary<string, string?> Budgets(params (string Name, int Permits)[] budgets) =>
        budgets.SelectMany(b => new[]
        {
            KeyValuePair.Create($"RateLimits:{b.Name}:Permits", (string?)b.Permits.ToString(CultureInfo.InvariantCulture)),
            KeyValuePair.Create($"RateLimits:{b.Name}:WindowSeconds", (string?)WindowSeconds.ToString(CultureInfo.InvariantCulture)),
        }).ToDictionary();
}

/// <summary>
/// Two nodes on the test Redis and one <see cref="FakeTimeProvider"/>, with small budgets for
/// what an attacker would spread over nodes: sign-in failures, registrations and guests.
/// The budgets refill only when a test moves the clock.
/// </summary>
public sealed class ThrottledClusterFixture() : TwoNodeFixture(
    linkedByRedis: true,
    new Dictionary<string, string?>
    {
        ["RateLimits:SignInFailuresPerAccount:Permits"] = SignInFailuresPerAccount.ToString(CultureInfo.InvariantCulture),
        ["RateLimits:SignInFailuresPerAccount:WindowSeconds"] = "600",
        ["RateLimits:SignInFailuresPerAddress:Permits"] = SignInFailuresPerAddress.ToString(CultureInfo.InvariantCulture),
        ["RateLimits:SignInFailuresPerAddress:WindowSeconds"] = "600",
        ["RateLimits:Registrations:Permits"] = PerAddress.ToString(CultureInfo.InvariantCulture),
        ["RateLimits:Registrations:WindowSeconds"] = "3600",
        ["RateLimits:Guests:Permits"] = PerAddress.ToString(CultureInfo.InvariantCulture),
        ["RateLimits:Guests:WindowSeconds"] = "3600",
        // The clock moves by minutes at a time; no node may count the other as dead meanwhile.
        ["Cluster:NodeTimeoutSeconds"] = "86400",
    },
    new FakeTimeProvider(DateTimeOffset.UtcNow))
{
    public const int SignInFailuresPerAccount = 6;
    public const int SignInFailuresPerAddress = 3;
    public const int PerAddress = 3;

    /// <summary>The nodes' clock, which only the tests move.</summary>
    public new FakeTimeProvider Clock => (FakeTimeProvider)base.Clock;
}

/// <summary>
/// Two nodes on the test Redis whose users may send 10 messages per ten minutes, on the real
/// clock (tokens must stay valid), so nothing comes back while a test runs.
/// </summary>
public sealed class SendBudgetClusterFixture() : TwoNodeFixture(
    linkedByRedis: true,
    new Dictionary<string, string?>
    {
        ["RateLimits:MessagesPerWindow"] = MessagesPerWindow.ToString(CultureInfo.InvariantCulture),
        ["RateLimits:WindowMilliseconds"] = "600000",
    })
{
    public const int MessagesPerWindow = 10;
}
