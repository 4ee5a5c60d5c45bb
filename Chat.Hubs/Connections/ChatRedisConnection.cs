using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace Chat.Hubs.Connections;

/// <summary>
/// The one Redis connection of a node, shared by the SignalR backplane and the room-group sync,
/// opened on first use.
/// </summary>
public sealed class ChatRedisConnection(IOptions<ChatRedisOptions> options) : IAsyncDisposable
{
    private readonly Lazy<Task<IConnectionMultiplexer>> connection = new(async () =>
    {
        var configuration = ConfigurationOptions.Parse(options.Value.Configuration);
        configuration.AbortOnConnectFail = false;
        configuration.ChannelPrefix = RedisChannel.Literal(options.Value.ChannelPrefix);
        return await ConnectionMultiplexer.ConnectAsync(configuration);
    });

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
