using System.Diagnostics;
using Chat.Contracts;

namespace Chat.Tests.Infrastructure;

/// <summary>What the members of a room notice about a member who was cut off.</summary>
public static class SlowConsumerAssert
{
    /// <summary>
    /// <paramref name="observer"/> hears <paramref name="userId"/> go offline, which happens once the
    /// user's only connection has really closed; presence changes before that are skipped.
    /// </summary>
    public static async Task GoesOfflineAsync(HubClient observer, Guid userId, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var left = within - clock.Elapsed;
            var change = await observer.NextPresenceAsync(userId, left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1));
            if (change.Status == PresenceStatus.Offline)
            {
                return;
            }
        }
    }
}
