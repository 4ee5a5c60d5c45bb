using HdrHistogram;

namespace Chat.Bench.Load;

/// <summary>
/// What the members saw of the bots' streamed replies, added up over every member: replies that
/// began and ended, the deltas between, gaps in a reply's indices, and how old each delta's first
/// word was when it arrived.
/// </summary>
public sealed class ReplyMetrics
{
    private readonly Recorder deltaRecorder = LoadMetrics.CreateRecorder();
    private readonly Lock intervalLock = new();
    private long started;
    private long completed;
    private long endedOtherwise;
    private long deltas;
    private long gaps;
    private long unstamped;

    /// <summary>Replies members saw begin (<c>MessageReceived</c> with status streaming), one per member per reply.</summary>
    public long Started => Interlocked.Read(ref started);

    /// <summary>Replies members saw end <c>complete</c>.</summary>
    public long Completed => Interlocked.Read(ref completed);

    /// <summary>Replies members saw end with <c>error</c> or <c>cancelled</c>.</summary>
    public long EndedOtherwise => Interlocked.Read(ref endedOtherwise);

    public long Ended => Completed + EndedOtherwise;

    /// <summary><c>MessageStreaming</c> events received, all members together.</summary>
    public long Deltas => Interlocked.Read(ref deltas);

    /// <summary>Deltas whose index was not the one after the last a member had of that reply.</summary>
    public long Gaps => Interlocked.Read(ref gaps);

    /// <summary>Text deltas that did not start with a stamped word.</summary>
    public long Unstamped => Interlocked.Read(ref unstamped);

    /// <summary>All delta latencies taken so far by <see cref="TakeInterval"/>.</summary>
    public HistogramBase DeltaTotal { get; } = LoadMetrics.CreateHistogram();

    public void OnStarted() => Interlocked.Increment(ref started);

    public void OnEnded(bool complete) => Interlocked.Increment(ref complete ? ref completed : ref endedOtherwise);

    public void OnGap() => Interlocked.Increment(ref gaps);

    public void OnDelta(long? ageMicroseconds)
    {
        Interlocked.Increment(ref deltas);
        if (ageMicroseconds is { } age)
        {
            deltaRecorder.RecordValue(Math.Clamp(age, 1, LoadMetrics.HighestMicroseconds));
        }
        else
        {
            Interlocked.Increment(ref unstamped);
        }
    }

    public void TakeInterval()
    {
        lock (intervalLock)
        {
            DeltaTotal.Add(deltaRecorder.GetIntervalHistogram());
        }
    }

    /// <summary>Forgets everything recorded so far; call it only when no reply is in progress (after a warm-up).</summary>
    public void Reset()
    {
        lock (intervalLock)
        {
            TakeInterval();
            DeltaTotal.Reset();
            Interlocked.Exchange(ref started, 0);
            Interlocked.Exchange(ref completed, 0);
            Interlocked.Exchange(ref endedOtherwise, 0);
            Interlocked.Exchange(ref deltas, 0);
            Interlocked.Exchange(ref gaps, 0);
            Interlocked.Exchange(ref unstamped, 0);
        }
    }
}
