using System.Globalization;
using Spectre.Console;

namespace Chat.Bench.Reporting;

/// <summary>Prints a finished run as tables.</summary>
public static class ReportPrinter
{
    public static void Print(IAnsiConsole console, BenchDocument document)
    {
        var m = document.Machine;
        console.WriteLine();
        console.WriteLine($"machine: {m.Cores} cores, {Bytes.Format(m.MemoryBytes)} memory, {m.Os}, .NET {m.Runtime}");
        foreach (var run in document.Runs)
        {
            PrintRun(console, run);
        }

        if (document.Comparisons.Count > 0)
        {
            var table = new Table().Title("comparison").Border(TableBorder.Rounded)
                .AddColumn("measure").AddColumn("first").AddColumn(new TableColumn("value").RightAligned())
                .AddColumn("second").AddColumn(new TableColumn("value").RightAligned()).AddColumn(new TableColumn("ratio").RightAligned());
            foreach (var c in document.Comparisons)
            {
                table.AddRow(
                    Markup.Escape(c.Measure), c.First, N(c.FirstValue), c.Second, N(c.SecondValue),
                    c.Ratio.ToString("F3", CultureInfo.InvariantCulture));
            }

            console.Write(table);
        }
    }

    private static void PrintRun(IAnsiConsole console, ScenarioResult run)
    {
        var table = new Table()
            .Title(Markup.Escape($"{run.Scenario} on {run.Target} ({run.TargetDescription}), {run.Protocol}{(run.Stuck == "none" ? "" : $", a member stuck: {run.Stuck}")}"))
            .Border(TableBorder.Rounded)
            .AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("connections", $"{run.Connections:N0} (connected in {run.ConnectSeconds:N1} s)");
        if (run.Rooms > 0)
        {
            table.AddRow("rooms x members", $"{run.Rooms:N0} x {run.MembersPerRoom:N0}");
        }

        table.AddRow("measured", $"{run.MeasuredSeconds:N1} s");
        table.AddRow("sent / acked / failed", $"{run.Sent:N0} / {run.Acked:N0} / {run.Failed:N0}");
        table.AddRow("delivered / expected", $"{run.Delivered:N0} / {run.ExpectedDeliveries:N0}");
        if (run.Rooms > 0)
        {
            table.AddRow("members with a wrong count", $"{run.MembersMissingMessages:N0}");
        }

        table.AddRow("sent/s, acked/s", $"{N(run.SentPerSecond)}, {N(run.AckedPerSecond)}");
        table.AddRow("delivered/s", N(run.DeliveredPerSecond));
        table.AddRow("delivery ms p50 p90 p99 p99.9 max", Latency(run.Latency));
        table.AddRow("ack ms p50 p90 p99 p99.9 max", Latency(run.AckLatency));
        if (run.Stuck != "none" || run.CutOff is > 0)
        {
            table.AddRow("stuck member per room / cut off", $"{run.Stuck} / {(run.CutOff is { } cut ? cut.ToString("N0", CultureInfo.InvariantCulture) : "-")}");
        }

        if (run.Replies is { } r)
        {
            table.AddRow("bot replies seen / owed", $"{r.Started:N0} / {r.ExpectedSightings:N0} ({r.WordsPerReply:N0} words, {N(r.WordDelayMilliseconds)} ms apart)");
            table.AddRow("replies ended complete / otherwise", $"{r.Completed:N0} / {r.EndedOtherwise:N0}");
            table.AddRow("deltas delivered, per s", $"{r.Deltas:N0}, {N(r.DeltasPerSecond)}");
            table.AddRow("delta index gaps / unstamped", $"{r.IndexGaps:N0} / {r.UnstampedDeltas:N0}");
            table.AddRow("delta ms p50 p90 p99 p99.9 max", Latency(r.DeltaLatency));
        }

        table.AddRow("errors", run.Errors.Count == 0 ? "none" : Markup.Escape(string.Join(", ", run.Errors.Select(e => $"{e.Key} {e.Value:N0}"))));
        if (run.Server is { } s)
        {
            table.AddRow("server CPU", $"{s.CpuSeconds:N1} s ({s.CpuPercent:N0} % of one core)");
            table.AddRow("server RSS before / connected / end", $"{Bytes.Format(s.RssBytesBeforeConnecting)} / {Bytes.Format(s.RssBytesConnected)} / {Bytes.Format(s.RssBytesAtEnd)}");
            table.AddRow("server memory per connection", Bytes.Format(s.MemoryPerConnectionBytes));
        }
        else
        {
            table.AddRow("server CPU and memory", "n/a (give --server-pid with --url)");
        }

        if (run.Redis is { } redis)
        {
            table.AddRow("Redis CPU / memory used / RSS", $"{redis.CpuSeconds:N1} s / {Bytes.Format(redis.UsedMemoryBytes)} / {Bytes.Format(redis.RssBytes)}");
        }

        if (run.Cpu is { } cpu)
        {
            string Seconds(double? seconds, double scale = 1) => seconds is { } value ? N(value * scale) : "-";
            var server = run.Server?.CpuSeconds;
            table.AddRow(
                "CPU s server / PostgreSQL / bench",
                $"{Seconds(server)} / {Seconds(cpu.DatabaseSeconds)} / {N(cpu.BenchSeconds)} (machine {cpu.MachineBusyPercent:N0} % busy)");
            if (run.Acked > 0)
            {
                // What one message costs each process: with every process on the same cores, the
                // sum bounds the messages per second the machine can take.
                var perMessage = 1_000_000.0 / run.Acked;
                table.AddRow(
                    "CPU µs per acked message",
                    $"{Seconds(server, perMessage)} / {Seconds(cpu.DatabaseSeconds, perMessage)} / {N(cpu.BenchSeconds * perMessage)}");
            }
        }

        if (run.ServerAllocatedBytes is { } allocated)
        {
            table.AddRow("server allocated", run.Acked > 0
                ? $"{Bytes.Format(allocated)} ({Bytes.Format((double)allocated / run.Acked)} per acked message)"
                : Bytes.Format(allocated));
        }

        if (run.DatabaseUpkeep is { } upkeep)
        {
            // Housekeeping in the window competes with the load for the disk and the cores.
            table.AddRow("PostgreSQL upkeep in the window", upkeep.Count == 0 ? "none" : string.Join(", ", upkeep));
        }

        table.AddRow("bench RSS", Bytes.Format(run.ClientRssBytes));
        console.Write(table);

        if (run.Steps is { Count: > 0 } steps)
        {
            var ramp = new Table().Title("ramp").Border(TableBorder.Rounded)
                .AddColumn("rate/room").AddColumn("target/s").AddColumn("sent/s").AddColumn("delivered/s")
                .AddColumn("p50 ms").AddColumn("p99 ms").AddColumn("max ms").AddColumn("errors").AddColumn("within");
            foreach (var step in steps)
            {
                ramp.AddRow(N(step.RatePerRoom), N(step.TargetPerSecond), N(step.SentPerSecond), N(step.DeliveredPerSecond),
                    N(step.Latency.P50), N(step.Latency.P99), N(step.Latency.Max), $"{step.Errors:N0}", step.WithinBound ? "yes" : "no");
            }

            console.Write(ramp);
            var limit = steps.All(s => s.WithinBound) ? " (no step passed the bound: a lower bound, raise --ramp-max-steps)" : "";
            console.WriteLine(run.Knee is { } knee
                ? $"knee: {N(knee.TargetPerSecond)} msgs/s sent, {N(knee.DeliveredPerSecond)} deliveries/s at p99 {N(knee.Latency.P99)} ms{limit}"
                : "knee: none (the first step was already over the bound)");
        }
    }

    private static string Latency(LatencySummary l) =>
        l.Count == 0 ? "-" : $"{N(l.P50)} {N(l.P90)} {N(l.P99)} {N(l.P999)} {N(l.Max)}";

    private static string N(double value) => value.ToString(value >= 100 ? "N0" : "N1", CultureInfo.InvariantCulture);
}
