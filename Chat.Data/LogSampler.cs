namespace Chat.Data;

/// <summary>
/// Lets one log entry through per interval and counts those held back meanwhile. An outage fails
/// thousands of calls a second; each logged with its stack trace, a node writes gigabytes of the
/// same lines and slows down doing it, just when it should recover.
/// </summary>
public sealed class LogSampler(TimeSpan interval, TimeProvider clock)
{
    private long nextDue = long.MinValue;
    private long heldBack;

    /// <summary>
    /// True for the first entry of an interval, with how many were held back since the last one
    /// let through; false (and counted) for the others.
    /// </summary>
    public bool TryEnter(out long heldBackSinceLast)
    {
        var now = clock.GetTimestamp();
        var due = Interlocked.Read(ref nextDue);
        var next = now + (long)(interval.TotalSeconds * clock.TimestampFrequency);
        if (now >= due && Interlocked.CompareExchange(ref nextDue, next, due) == due)
        {
            heldBackSinceLast = Interlocked.Exchange(ref heldBack, 0);
            return true;
        }

        Interlocked.Increment(ref heldBack);
        heldBackSinceLast = 0;
        return false;
    }
}
