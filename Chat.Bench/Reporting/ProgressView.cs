using System.Diagnostics;
using System.Globalization;
using Chat.Bench.Load;
using Chat.Bench.Targets;
using HdrHistogram;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Chat.Bench.Reporting;

/// <summary>
/// The live view of a running scenario: a table refreshed every second on a terminal, or a plain
/// line every few seconds when the output is a file or a test's writer.
/// </summary>
public sealed class ProgressView(IAnsiConsole console, bool live, string title, LoadMetrics metrics, IBenchTarget target)
{
    private const int PlainEverySeconds = 5;

    private long lastTimestamp = Stopwatch.GetTimestamp();
    private long lastSent;
    private long lastDelivered;
    private ProcessSample? lastServer = target.Sample();
    private string[] cells = ["", "", "", "", "", "", "", "", ""];
    private int connected;
    private int ticks;

    public string Phase { get; set; } = "starting";

    public void OnConnected() => Interlocked.Increment(ref connected);

    /// <summary>Counts connections made elsewhere (by load workers).</summary>
    public void OnConnected(int count) => Interlocked.Add(ref connected, count);

    public int Connected => Volatile.Read(ref connected);

    /// <summary>Runs <paramref name="work"/> while showing its progress.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        if (live && console.Profile.Capabilities.Interactive)
        {
            return await console.Live(Render()).AutoClear(false).StartAsync(async context =>
            {
                var task = work();
                while (await TickAsync(task))
                {
                    context.UpdateTarget(Render());
                }

                context.UpdateTarget(Render());
                return await task;
            });
        }

        var plain = work();
        while (await TickAsync(plain))
        {
            if (++ticks % PlainEverySeconds == 0)
            {
                console.WriteLine($"[{title}] {Phase}: connections {cells[0]}, sent/s {cells[1]}, delivered/s {cells[2]}, " +
                    $"p99 {cells[3]} ms, ack p99 {cells[4]} ms, in flight {cells[5]}, errors {cells[6]}, server CPU {cells[7]}, RSS {cells[8]}");
            }
        }

        return await plain;
    }

    private async Task<bool> TickAsync(Task work)
    {
        await Task.WhenAny(work, Task.Delay(TimeSpan.FromSeconds(1)));
        Update();
        return !work.IsCompleted;
    }

    private void Update()
    {
        var now = Stopwatch.GetTimestamp();
        var seconds = Math.Max(0.001, Stopwatch.GetElapsedTime(lastTimestamp, now).TotalSeconds);
        var (delivery, ack) = metrics.TakeInterval();
        var sent = metrics.Sent;
        var delivered = metrics.Delivered;
        var server = target.Sample();
        var cpu = server is { } s && lastServer is { } l ? (s.CpuSeconds - l.CpuSeconds) / seconds * 100 : double.NaN;
        cells =
        [
            Connected.ToString("N0", CultureInfo.InvariantCulture),
            // The counters restart after the warm-up; a negative rate would only confuse.
            (Math.Max(0, sent - lastSent) / seconds).ToString("N0", CultureInfo.InvariantCulture),
            (Math.Max(0, delivered - lastDelivered) / seconds).ToString("N0", CultureInfo.InvariantCulture),
            P99(delivery),
            P99(ack),
            metrics.InFlight.ToString("N0", CultureInfo.InvariantCulture),
            metrics.Errors.Values.Sum().ToString("N0", CultureInfo.InvariantCulture),
            double.IsNaN(cpu) ? "n/a" : $"{cpu:F0} %",
            server is { } r ? Bytes.Format(r.RssBytes) : "n/a",
        ];
        lastTimestamp = now;
        lastSent = sent;
        lastDelivered = delivered;
        lastServer = server;
    }

    private IRenderable Render()
    {
        var table = new Table().Title($"{title}: {Phase}").Border(TableBorder.Rounded);
        foreach (var column in new[] { "connections", "sent/s", "delivered/s", "p99 ms", "ack p99 ms", "in flight", "errors", "server CPU", "server RSS" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        table.AddRow(cells.Select(c => new Text(c)).ToArray<IRenderable>());
        return table;
    }

    private static string P99(HistogramBase histogram) =>
        histogram.TotalCount == 0 ? "-" : (histogram.GetValueAtPercentile(99) / 1000.0).ToString("F1", CultureInfo.InvariantCulture);
}
