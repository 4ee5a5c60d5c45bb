using Chat.Data;
using Chat.Hubs.Broadcasting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chat.Hubs.Connections;

/// <summary>
/// Watches the backplane's own Redis connection. While its subscription is down, group sends
/// from and to this node are lost; when it is back, every connection on this node is told
/// <c>ResyncRequired</c> for all its rooms, and catches up with <c>Sync</c>.
/// </summary>
public sealed partial class BackplaneMonitor(IServiceProvider services, ChatMetrics metrics, ILogger<BackplaneMonitor> logger)
{
    private int down;

    /// <summary>Opens the backplane's connection with <paramref name="configuration"/> and watches it.</summary>
    public async Task<IConnectionMultiplexer> ConnectAsync(ConfigurationOptions configuration, TextWriter log)
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration, log);
        multiplexer.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Subscription && Interlocked.Exchange(ref down, 1) == 0)
            {
                metrics.RedisFailed();
                LogLost(logger, e.Exception);
            }
        };
        multiplexer.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Subscription && Interlocked.Exchange(ref down, 0) == 1)
            {
                _ = ResyncAsync();
            }
        };
        return multiplexer;
    }

    private async Task ResyncAsync()
    {
        LogRestored(logger);
        try
        {
            // Resolved late: the broadcaster needs the hub context, which needs the backplane
            // this monitor helps to build.
            await services.GetRequiredService<RoomBroadcaster>().ResyncRequiredOnThisNodeAsync(null);
        }
        catch (Exception e)
        {
            LogResyncFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The backplane lost Redis: group sends are lost until it is back")]
    private static partial void LogLost(ILogger logger, Exception? exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "The backplane has Redis again: telling this node's connections to Sync")]
    private static partial void LogRestored(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Telling this node's connections to Sync failed")]
    private static partial void LogResyncFailed(ILogger logger, Exception exception);
}
