using System.Collections.Concurrent;
using System.Diagnostics;
using HdrHistogram;

namespace Chat.Bench.Load;

/// <summary>
/// Counters and latency histograms shared by every simulated user. Recording is lock-free
/// (HdrHistogram recorders); the reporting loop takes interval snapshots and adds them up.
/// </summary>
public sealed class LoadMetrics
{
    /// <summary>Largest latency the histograms hold: ten minutes, in microseconds.</summary>
    public const long HighestMicroseconds = 600_000_000;

    private readonly Recorder deliveryRecorder = CreateRecorder();
    private readonly Recorder ackRecorder = CreateRecorder();
    private readonly ConcurrentDictionary<string, long> errors = new();
    private long sent;
    private long acked;
    private long failed;
    private long delivered;
    private long expected;
    private long inFlight;
    private readonly Lock intervalLock = new();
    private HistogramBase? step;

    public long Sent => Interlocked.Read(ref sent);

    public long Acked => Interlocked.Read(ref acked);

    public long Failed => Interlocked.Read(ref failed);

    public long Delivered => Interlocked.Read(ref delivered);

    /// <summary>Deliveries owed for the acked messages: one to every other member of the room.</summary>
    public long ExpectedDeliveries => Interlocked.Read(ref expected);

    public long InFlight => Interlocked.Read(ref inFlight);

    public IReadOnlyDictionary<string, long> Errors => errors;

    /// <summary>All delivery latencies taken so far by <see cref="TakeInterval"/>.</summary>
    public HistogramBase DeliveryTotal { get; } = CreateHistogram();

    public HistogramBase AckTotal { get; } = CreateHistogram();

    public void OnSend()
    {
        Interlocked.Increment(ref sent);
        Interlocked.Increment(ref inFlight);
    }

    public void OnAck(long sentTimestamp, int receivers)
    {
        ackRecorder.RecordValue(Clamp(Stopwatch.GetElapsedTime(sentTimestamp)));
        Interlocked.Add(ref expected, receivers);
        Interlocked.Increment(ref acked);
        Interlocked.Decrement(ref inFlight);
    }

    public void OnSendFailed(string code)
    {
        errors.AddOrUpdate(code, 1, (_, n) => n + 1);
        Interlocked.Increment(ref failed);
        Interlocked.Decrement(ref inFlight);
    }

    public void OnError(string code, long count = 1) => errors.AddOrUpdate(code, count, (_, n) => n + count);

    public void OnDelivered(long sentTimestamp)
    {
        deliveryRecorder.RecordValue(Clamp(Stopwatch.GetElapsedTime(sentTimestamp)));
        Interlocked.Increment(ref delivered);
    }

    /// <summary>The latencies recorded since the last call, also added to the totals and the current step.</summary>
    public (HistogramBase Delivery, HistogramBase Ack) TakeInterval()
    {
        lock (intervalLock)
        {
            var delivery = deliveryRecorder.GetIntervalHistogram();
            var ack = ackRecorder.GetIntervalHistogram();
            DeliveryTotal.Add(delivery);
            AckTotal.Add(ack);
            step?.Add(delivery);
            return (delivery, ack);
        }
    }

    /// <summary>Forgets everything recorded so far; call it only when nothing is in flight (after a warm-up).</summary>
    public void Reset()
    {
        lock (intervalLock)
        {
            TakeInterval();
            DeliveryTotal.Reset();
            AckTotal.Reset();
            errors.Clear();
            Interlocked.Exchange(ref sent, 0);
            Interlocked.Exchange(ref acked, 0);
            Interlocked.Exchange(ref failed, 0);
            Interlocked.Exchange(ref delivered, 0);
            Interlocked.Exchange(ref expected, 0);
        }
    }

    /// <summary>Starts collecting the delivery latencies of one ramp step.</summary>
    public void BeginStep()
    {
        lock (intervalLock)
        {
            TakeInterval();
            step = CreateHistogram();
        }
    }

    /// <summary>The delivery latencies since <see cref="BeginStep"/>.</summary>
    public HistogramBase EndStep()
    {
        lock (intervalLock)
        {
            TakeInterval();
            var done = step ?? CreateHistogram();
            step = null;
            return done;
        }
    }

    /// <summary>Adds what a load worker counted (a run whose users live in several processes).</summary>
    public void Absorb(WorkerReport report)
    {
        lock (intervalLock)
        {
            Interlocked.Add(ref sent, report.Sent);
            Interlocked.Add(ref acked, report.Acked);
            Interlocked.Add(ref failed, report.Failed);
            Interlocked.Add(ref delivered, report.Delivered);
            Interlocked.Add(ref expected, report.ExpectedDeliveries);
            Interlocked.Add(ref inFlight, report.InFlight);
            foreach (var (code, count) in report.Errors)
            {
                errors.AddOrUpdate(code, count, (_, n) => n + count);
            }

            WorkerReport.AddTo(DeliveryTotal, report.Delivery);
            WorkerReport.AddTo(AckTotal, report.Ack);
        }
    }

    public static HistogramBase CreateHistogram() => new LongHistogram(HighestMicroseconds, 3);

    private static long Clamp(TimeSpan elapsed) => Math.Clamp((long)elapsed.TotalMicroseconds, 1, HighestMicroseconds);

    public static Recorder CreateRecorder() =>
        HistogramFactory.With64BitBucketSize().WithValuesFrom(1).WithValuesUpTo(HighestMicroseconds).WithPrecisionOf(3)
            .WithThreadSafeWrites().WithThreadSafeReads().Create();
}
