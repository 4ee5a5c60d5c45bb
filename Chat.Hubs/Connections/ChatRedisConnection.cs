using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace Chat.Hubs.Connections;

/// <summary>
/// The node's Redis connection for the connection registry, heartbeats and shared typing state,
/// opened on first use. The SignalR backplane opens its own with the same settings.
/// </summary>
public sealed class ChatRedisConnection(IOptions<ChatRedisOptions> options) : IAsyncDisposable
{
    private readonly Lazy<Task<IConnectionMultiplexer>> connection = new(async () =>
    {
        return await ConnectionMultiplexer.ConnectAsync(Configure(options.Value));
    });

    /// <summary>
    /// The client settings for <paramref name="redis"/>: keep reconnecting while Redis is away,
    /// but fail each command at once meanwhile, and prefix the channels.
    /// </summary>
    /// <remarks>
    /// Failing fast rather than queueing commands until the timeout: everything Redis does here has
    /// an answer without it (a send is stored and acked, budgets are counted on the node, members
    /// catch up through ResyncRequired), and a queue would only hold each answer back by seconds.
    /// </remarks>
    public static ConfigurationOptions Configure(ChatRedisOptions redis)
    {
        var configuration = ConfigurationOptions.Parse(redis.Configuration);
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ChannelPrefix = RedisChannel.Literal(redis.ChannelPrefix);
        return configuration;
    }

    public bool Enabled => options.Value.Enabled;

    public Task<IConnectionMultiplexer> GetAsync() => connection.Value;

    /// <summary>The database with every key under the channel prefix, so deployments sharing a Redis stay apart.</summary>
    public async Task<IDatabase> DatabaseAsync() =>
        (await GetAsync()).GetDatabase().WithKeyPrefix($"{options.Value.ChannelPrefix}:");

    public async ValueTask DisposeAsync()
    {
        if (connection.IsValueCreated)
        {
            await (await connection.Value).DisposeAsync();
        }
    }
}
