using System.Net;
using Chat.Hubs.Limits;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// One node of the chat service on real Kestrel, on a free loopback port, with its own
/// configuration: tests reach it over the network like any client.
/// </summary>
public sealed class ChatNode : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> settings;
    private readonly TimeProvider? clock;

    private ChatNode(string connectionString, string? redis, IDictionary<string, string?>? extra, TimeProvider? clock)
    {
        this.clock = clock;
        settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Chat"] = connectionString,
            ["Jwt:SigningKey"] = TestServers.SigningKey,
            ["Redis:Configuration"] = redis ?? "",
            // A channel prefix per node pair keeps parallel test classes apart on one Redis.
            ["Redis:ChannelPrefix"] = ChannelPrefixFor(connectionString),
            // Tests of other features send bursts far above the contract's 30 per 10 s; the
            // limit's own tests set it back through `extra` (LimitsNodeFixture).
            ["RateLimits:MessagesPerWindow"] = "10000",
            // Off outside Development by default; the tests of the docs read them.
            ["ApiDocs:Enabled"] = "true",
        };
        // Likewise every other budget: the tests register hundreds of users from one address
        // and call methods in loops. BudgetNodeFixture and the sign-in tests set their own.
        foreach (var budget in Enum.GetValues<Budget>().Where(b => b != Budget.Messages))
        {
            settings[$"RateLimits:{budget}:Permits"] = "1000000";
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        // Port 0 on the loopback address: the OS picks a free port, so parallel classes never collide.
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
    }

    private IHost? host;

    /// <summary>The node's base address, such as http://127.0.0.1:41234/.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>
    /// Starts a node on <paramref name="connectionString"/>, with Redis when given; with
    /// <paramref name="clock"/>, the node's services tell time by it instead of the system clock.
    /// </summary>
    public static ChatNode Start(
        string connectionString, string? redis = null, IDictionary<string, string?>? extra = null, TimeProvider? clock = null)
    {
        var node = new ChatNode(connectionString, redis, extra, clock);
        try
        {
            node.StartServer();
        }
        catch
        {
            // A node that fails to start (bad configuration) still holds its host.
            node.Dispose();
            throw;
        }

        var address = node.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        node.Address = new Uri(address + "/");
        return node;
    }

    /// <summary>
    /// Stops the node as its process would on SIGTERM, returning once every hosted service has
    /// finished stopping: what a test of a graceful stop waits for before it looks at the database.
    /// </summary>
    public Task StopAsync() => (host ?? throw new InvalidOperationException("the node was never started")).StopAsync();

    protected override IHost CreateHost(IHostBuilder builder)
    {
        host = base.CreateHost(builder);
        return host;
    }

    /// <summary>The Redis prefix of the nodes on one test database: they form one cluster.</summary>
    public static string ChannelPrefixFor(string connectionString) =>
        $"chat-test-{new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database}";

    /// <summary>An HTTP client for this node over the network.</summary>
    public HttpClient Http(string? token = null)
    {
        var client = new HttpClient { BaseAddress = Address };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseEnvironment("Testing");
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        if (clock is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(clock));
        }
    }
}
