using System.Diagnostics.Metrics;
using Chat.Data;

namespace Chat.Hubs.Notifications;

/// <summary>The instruments of offline notifications, on the service's meter (<see cref="ChatMetrics.MeterName"/>).</summary>
public sealed class PushMetrics
{
    private readonly Counter<long> pushes;
    private readonly Counter<long> coalesced;
    private readonly Counter<long> dropped;
    private readonly Histogram<double> duration;

    public PushMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(ChatMetrics.MeterName);
        pushes = meter.CreateCounter<long>(
            "chat.push.requests", unit: "{request}",
            description: "Pushes sent to push services, by outcome: delivered, gone (subscription removed), refused (4xx), failed (after retries)");
        coalesced = meter.CreateCounter<long>(
            "chat.push.coalesced", unit: "{message}", description: "Messages counted into a later push instead of a push of their own");
        dropped = meter.CreateCounter<long>(
            "chat.push.dropped", unit: "{item}", description: "Messages or pushes dropped because the node's push queue was full");
        duration = meter.CreateHistogram(
            "chat.push.duration", unit: "ms", description: "How long push services took to answer a push",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] });
    }

    public void Pushed(string outcome, TimeSpan took)
    {
        pushes.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        duration.Record(took.TotalMilliseconds);
    }

    public void Coalesced() => coalesced.Add(1);

    public void Dropped(string what) => dropped.Add(1, new KeyValuePair<string, object?>("what", what));
}
