using Chat.Data;
using Chat.Hubs.Broadcasting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chat.Hubs.Connections;

/// <summary>
/// Watches the backplane. Once something failed on Redis (its connection dropped, a command timed
/// out against a Redis that hangs: see <see cref="RedisHealth"/>), it checks every second whether
/// Redis answers again; when it does, the connections of this node that could not be subscribed are
/// closed to reconnect whole (<see cref="OutageTolerantLifetimeManager{THub}"/>), every other
/// one is told <c>ResyncRequired</c> for all its rooms, and catches up with <c>Sync</c>, and the
/// connections' room groups are reconciled with the database (<see cref="GroupReconciler"/>).
/// </summary>
public sealed partial class BackplaneMonitor(
    IServiceProvider services, RedisHealth health, ChatMetrics metrics, ILogger<BackplaneMonitor> logger)
    : BackgroundService
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);

    private IConnectionMultiplexer? multiplexer;
    private int mendDue;

    /// <summary>Opens the backplane's connection with <paramref name="configuration"/> and watches it.</summary>
    public async Task<IConnectionMultiplexer> ConnectAsync(ConfigurationOptions configuration, TextWriter log)
    {
        var connected = await ConnectionMultiplexer.ConnectAsync(configuration, log);
        connected.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Subscription)
            {
                NoteFailure(e.Exception ?? new RedisConnectionException(e.FailureType, "the backplane's subscription connection failed"));
            }
        };
        multiplexer = connected;
        return connected;
    }

    /// <summary>
    /// Something was lost on the backplane: once Redis answers (again), this node's connections
    /// are mended and told to Sync.
    /// </summary>
    public void NoteFailure(Exception failure)
    {
        metrics.RedisFailed();
        if (health.NoteFailure(failure))
        {
            LogLost(logger);
        }

        Volatile.Write(ref mendDue, 1);
    }

    /// <summary>Something was not done on the backplane because Redis was taken to be away: it is mended all the same.</summary>
    public void NoteSkipped() => Volatile.Write(ref mendDue, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckEvery);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            if ((Volatile.Read(ref mendDue) == 1 || health.IsAway) && multiplexer is { IsConnected: true } backplane && await AnswersAsync(backplane))
            {
                health.NoteAnswered();
                Volatile.Write(ref mendDue, 0);
                await ResyncAsync();
            }
        }
    }

    private static async Task<bool> AnswersAsync(IConnectionMultiplexer backplane)
    {
        try
        {
            await backplane.GetSubscriber().PingAsync();
            return true;
        }
        catch (Exception)
        {
            // However the ping fails (a connection torn down under it cancels it, or even throws
            // from its pipe), Redis does not answer yet; the next check asks again.
            return false;
        }
    }

    private async Task ResyncAsync()
    {
        LogRestored(logger);
        try
        {
            // Resolved late: both need the backplane that this monitor helps to build.
            await services.GetRequiredService<OutageTolerantLifetimeManager<ChatHub>>().MendAsync();
            await services.GetRequiredService<RoomBroadcaster>().ResyncRequiredOnThisNodeAsync(null);
            // A kick or leave whose removal was lost with the node that issued it is put right now.
            services.GetRequiredService<GroupReconciler>().ReconcileSoon();
        }
        catch (Exception e)
        {
            LogResyncFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The backplane failed: group sends may be lost until Redis answers again")]
    private static partial void LogLost(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "The backplane answers again: mending this node's connections and telling them to Sync")]
    private static partial void LogRestored(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Mending this node's connections after a backplane failure failed")]
    private static partial void LogResyncFailed(ILogger logger, Exception exception);
}
