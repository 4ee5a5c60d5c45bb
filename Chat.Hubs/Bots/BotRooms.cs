using Chat.Data;
using Chat.Data.Resilience;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chat.Hubs.Bots;

/// <summary>
/// The rooms that have a bot among their members, as this node last read them: the send path asks
/// here, in memory, whether a stored message could concern a bot at all, so that a busy room
/// without bots costs nothing. Read again every few seconds (a bot added on another node is seen
/// then); a bot added on this node counts at once.
/// </summary>
public sealed partial class BotRooms(BotRepository bots, BotDirectory directory, TimeProvider clock, ILogger<BotRooms> logger) : BackgroundService
{
    private static readonly TimeSpan ReadEvery = TimeSpan.FromSeconds(5);

    private readonly Lock gate = new();
    private volatile HashSet<Guid> rooms = [];

    /// <summary>True when the room had a bot when last read.</summary>
    public bool Contains(Guid roomId) => rooms.Contains(roomId);

    /// <summary>A bot was added to the room on this node.</summary>
    public void Add(Guid roomId)
    {
        // Copy on write: readers on the send path never lock.
        lock (gate)
        {
            rooms = [.. rooms, roomId];
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(ReadEvery, clock);
        do
        {
            if (directory.All.Count == 0)
            {
                continue;
            }

            try
            {
                var read = (await bots.RoomsWithBotsAsync(stoppingToken)).ToHashSet();
                lock (gate)
                {
                    rooms = read;
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogReadFailed(logger, e, DatabaseFaults.IsUnavailable(e));
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The rooms with bots could not be read (database unavailable: {Unavailable})")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, bool unavailable);
}
