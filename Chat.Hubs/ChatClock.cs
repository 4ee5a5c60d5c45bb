namespace Chat.Hubs;

/// <summary>Timestamps as PostgreSQL stores them.</summary>
public static class ChatClock
{
    /// <summary>
    /// Now, in UTC, cut to whole microseconds: PostgreSQL keeps microseconds, so a time handed to
    /// the sender in an ack then equals the one history returns later.
    /// </summary>
    public static DateTime UtcNowAsStored(this TimeProvider clock)
    {
        var ticks = clock.GetUtcNow().UtcTicks;
        return new DateTime(ticks - (ticks % 10), DateTimeKind.Utc);
    }
}
