using System.Text.Json;
using Chat.Bench.Reporting;
using Chat.Bench.Scenarios;
using Chat.Bench.Targets;
using Spectre.Console;

namespace Chat.Bench;

/// <summary>
/// Runs what the settings ask: the scenario on the chat service (twice for persist, once per
/// writer mode), then on the bare hub when comparing, as many rounds as asked; prints the
/// report and writes <c>--out</c>.
/// </summary>
public sealed class BenchRunner(BenchSettings settings, IAnsiConsole console)
{
    public const string BatchedWriter = "Batched";
    public const string PerMessageWriter = "PerMessage";

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public async Task<BenchDocument> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var startedAt = DateTime.UtcNow;
        var runs = new List<ScenarioResult>();
        var comparisons = new List<Comparison>();
        var rounds = new List<IReadOnlyList<Comparison>>();
        for (var round = 1; round <= settings.Rounds; round++)
        {
            var (roundRuns, roundComparisons) = await RunRoundAsync(cancellationToken);
            runs.AddRange(roundRuns);
            rounds.Add(roundComparisons);
            var prefix = settings.Rounds > 1 ? $"round {round}: " : "";
            comparisons.AddRange(roundComparisons.Select(c => c with { Measure = prefix + c.Measure }));
        }

        if (settings.Rounds > 1)
        {
            comparisons.AddRange(Medians(rounds));
        }

        var document = new BenchDocument(startedAt, MachineInfo.Current(), Redacted(arguments), runs, comparisons);
        ReportPrinter.Print(console, document);
        if (settings.Out is { } path)
        {
            await using var file = File.Create(path);
            await JsonSerializer.SerializeAsync(file, document, JsonOptions, cancellationToken);
            console.WriteLine($"results written to {Path.GetFullPath(path)}");
        }

        return document;
    }

    /// <summary>
    /// One round: the scenario on the chat service (twice for persist, once per writer mode),
    /// then on the bare hub when comparing, with the ratios between them.
    /// </summary>
    private async Task<(List<ScenarioResult> Runs, List<Comparison> Comparisons)> RunRoundAsync(CancellationToken cancellationToken)
    {
        var runs = new List<ScenarioResult>();
        var comparisons = new List<Comparison>();
        if (settings.Scenario == Scenario.Persist && settings.Url is null && settings.MessageWriterMode is null)
        {
            // Same database, same load, one node per writer mode: the ratio is the batching's worth.
            var batched = await RunOursAsync(BatchedWriter, cancellationToken);
            var perMessage = await RunOursAsync(PerMessageWriter, cancellationToken);
            runs.Add(batched);
            runs.Add(perMessage);
            comparisons.Add(Compare("stored msgs/s", BatchedWriter, PerMessageWriter, batched.AckedPerSecond, perMessage.AckedPerSecond));
            comparisons.Add(Compare("ack p99 ms", BatchedWriter, PerMessageWriter, batched.AckLatency.P99, perMessage.AckLatency.P99));
        }
        else if (settings.Stuck.Count > 1)
        {
            // Each kind on nodes of its own, so a cut-off or a backlog of one run never reaches the next.
            foreach (var kind in settings.Stuck)
            {
                runs.Add(await RunOursAsync(settings.MessageWriterMode ?? BatchedWriter, cancellationToken, settings with { Stuck = [kind] }));
            }

            comparisons.AddRange(CompareWithoutStuck(runs));
        }
        else
        {
            runs.Add(await RunOursAsync(settings.MessageWriterMode ?? BatchedWriter, cancellationToken));
        }

        var ours = runs[0];
        if (settings.WithBaseline)
        {
            await RunPeerAsync(await BareHubTarget.StartAsync(settings, cancellationToken));
        }

        if (settings.WithSocketIo)
        {
            await RunPeerAsync(await SocketIoTarget.StartAsync(settings, cancellationToken));
        }

        return (runs, comparisons);

        // The same scenario on a peer, compared with ours; the peer's servers stop after it.
        async Task RunPeerAsync(PeerTarget target)
        {
            await using var _ = target;
            var peer = await new ScenarioRun(settings, target, console).RunAsync(cancellationToken);
            runs.Add(peer);
            comparisons.AddRange(CompareWithPeer(ours, peer));
        }
    }

    /// <summary>
    /// Each measure's median over the rounds: the machine's swings move a single round's ratio
    /// by more than most changes to the service do, and alternating the targets round by round
    /// spreads those swings over both.
    /// </summary>
    private static IEnumerable<Comparison> Medians(List<IReadOnlyList<Comparison>> rounds) =>
        rounds.SelectMany(round => round).GroupBy(c => (c.Measure, c.First, c.Second)).Select(same => same.First() with
        {
            Measure = $"median of {same.Count()} rounds: {same.Key.Measure}",
            FirstValue = Median(same.Select(c => c.FirstValue)),
            SecondValue = Median(same.Select(c => c.SecondValue)),
            Ratio = Math.Round(Median(same.Select(c => c.Ratio)), 3),
        });

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>The command line for the report, without the connection string (it may hold a password).</summary>
    public static string Redacted(IReadOnlyList<string> arguments) =>
        string.Join(' ', arguments.Select((a, i) => i > 0 && arguments[i - 1] == "--postgres" ? "***" : a));

    private async Task<ScenarioResult> RunOursAsync(string writerMode, CancellationToken cancellationToken, BenchSettings? runSettings = null)
    {
        runSettings ??= settings;
        await using var target = await ChatServiceTarget.StartAsync(runSettings, writerMode, cancellationToken);
        return await new ScenarioRun(runSettings, target, console).RunAsync(cancellationToken);
    }

    /// <summary>Each run with a stuck member beside the run without one: what the stuck member costs the others.</summary>
    private static IEnumerable<Comparison> CompareWithoutStuck(IReadOnlyList<ScenarioResult> runs)
    {
        if (runs.FirstOrDefault(r => r.Stuck == "none") is not { } clean)
        {
            yield break;
        }

        foreach (var stuck in runs.Where(r => r.Stuck != "none"))
        {
            // The kind in the measure too: medians over rounds are taken per measure.
            yield return Compare($"delivery p99 ms, {stuck.Stuck}", stuck.Stuck, "none", stuck.Latency.P99, clean.Latency.P99);
            yield return Compare($"delivery max ms, {stuck.Stuck}", stuck.Stuck, "none", stuck.Latency.Max, clean.Latency.Max);
            yield return Compare($"ack p99 ms, {stuck.Stuck}", stuck.Stuck, "none", stuck.AckLatency.P99, clean.AckLatency.P99);
            yield return Compare($"delivered/s, {stuck.Stuck}", stuck.Stuck, "none", stuck.DeliveredPerSecond, clean.DeliveredPerSecond);
        }
    }

    /// <summary>Ours against a peer (the bare hub or Socket.IO) under the same load, peer second.</summary>
    private IEnumerable<Comparison> CompareWithPeer(ScenarioResult ours, ScenarioResult peer)
    {
        const string Ours = "ours";
        var peerName = peer.Target;
        if (settings.Scenario == Scenario.Ramp)
        {
            var bound = $"{settings.P99Bound.TotalMilliseconds:N0} ms";
            yield return Compare($"delivered/s at p99 <= {bound}", Ours, peerName, ours.Knee?.DeliveredPerSecond ?? 0, peer.Knee?.DeliveredPerSecond ?? 0);
        }
        else if (settings.Scenario != Scenario.Connections)
        {
            yield return Compare("delivered/s", Ours, peerName, ours.DeliveredPerSecond, peer.DeliveredPerSecond);
            yield return Compare("acked/s", Ours, peerName, ours.AckedPerSecond, peer.AckedPerSecond);
            yield return Compare("delivery p99 ms", Ours, peerName, ours.Latency.P99, peer.Latency.P99);
        }

        if (ours.Server is { } a && peer.Server is { } b)
        {
            yield return Compare("memory per connection (bytes)", Ours, peerName, a.MemoryPerConnectionBytes, b.MemoryPerConnectionBytes);
            yield return Compare("server CPU seconds", Ours, peerName, a.CpuSeconds, b.CpuSeconds);
        }

        if (ours is { ServerAllocatedBytes: { } ourBytes, Acked: > 0 } && peer is { ServerAllocatedBytes: { } peerBytes, Acked: > 0 })
        {
            yield return Compare("server bytes allocated per acked message", Ours, peerName, (double)ourBytes / ours.Acked, (double)peerBytes / peer.Acked);
        }

        // What the load generator itself spent per delivery: the clients of each protocol should
        // cost about the same, or the comparison measures the bench as much as the servers.
        if (ours is { Cpu: { } ourCpu, Delivered: > 0 } && peer is { Cpu: { } peerCpu, Delivered: > 0 })
        {
            yield return Compare(
                "bench CPU µs per delivery", Ours, peerName, ourCpu.BenchSeconds * 1e6 / ours.Delivered, peerCpu.BenchSeconds * 1e6 / peer.Delivered);
        }
    }

    private static Comparison Compare(string measure, string first, string second, double firstValue, double secondValue) =>
        new(measure, first, second, firstValue, secondValue, secondValue == 0 ? 0 : Math.Round(firstValue / secondValue, 3));
}
