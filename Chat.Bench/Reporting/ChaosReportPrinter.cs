using System.Globalization;
using Spectre.Console;

namespace Chat.Bench.Reporting;

/// <summary>Prints a finished chaos run as tables, the verdict last.</summary>
public static class ChaosReportPrinter
{
    public static void Print(IAnsiConsole console, ChaosReport report)
    {
        var m = report.Machine;
        var c = report.Counts;
        console.WriteLine();
        console.WriteLine($"machine: {m.Cores} cores, {Bytes.Format(m.MemoryBytes)} memory, {m.Os}, .NET {m.Runtime}");

        var summary = new Table()
            .Title(Markup.Escape($"chaos on 2 nodes, {report.Rooms:N0} rooms x {report.MembersPerRoom:N0} members, {report.SendsPerSecond:N0} sends/s, seed {report.Seed}"))
            .Border(TableBorder.Rounded)
            .AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
        summary.AddRow("run", $"{report.Seconds:N0} s, {report.Faults.Count:N0} faults");
        summary.AddRow("sent / acked / failed / unsettled", $"{report.Sent:N0} / {report.Acked:N0} / {report.Failed:N0} / {report.Unsettled:N0}");
        summary.AddRow("failed by code", report.FailuresByCode.Count == 0 ? "none" : Markup.Escape(string.Join(", ", report.FailuresByCode.Select(e => $"{e.Key} {e.Value:N0}"))));
        summary.AddRow("acks that said duplicate", $"{c.DuplicateAcks:N0}");
        summary.AddRow("rows stored (the run's messages)", $"{c.RowsStored:N0}");
        summary.AddRow("received by members, live or by Sync", $"{report.Received:N0}");
        summary.AddRow("[bold]lost[/] (acked, not stored)", Verdict(c.Lost));
        summary.AddRow("[bold]duplicated[/] (one message, several rows)", Verdict(c.Duplicated) + (c.ExtraRows > 0 ? $" ({c.ExtraRows:N0} extra rows)" : ""));
        summary.AddRow("[bold]not converged[/] (acked, some member never got it)", Verdict(c.NotConverged) + (c.MissingReceipts > 0 ? $" ({c.MissingReceipts:N0} missed receipts)" : ""));
        summary.AddRow("seq order violations at members", $"{c.OrderViolations:N0}");
        summary.AddRow("messages a member received twice", $"{c.Repeats:N0}");
        summary.AddRow("acks whose seq differs from the row's", $"{c.AckSeqMismatches:N0}");
        summary.AddRow("failed sends stored all the same", $"{c.FailedButStored:N0}");
        summary.AddRow("members whose final Sync failed", $"{report.MembersWithoutFinalSync:N0}");
        summary.AddRow("PostgreSQL fault", Markup.Escape(report.PostgresFault));
        console.Write(summary);

        var kinds = new Table().Title("recovery by fault kind (s from the fault's end)").Border(TableBorder.Rounded)
            .AddColumn("fault").AddColumn(new TableColumn("count").RightAligned())
            .AddColumn(new TableColumn("acks back median / max").RightAligned())
            .AddColumn(new TableColumn("converged median / max").RightAligned())
            .AddColumn(new TableColumn($"over {N(report.ConvergenceBoundSeconds)} s").RightAligned());
        foreach (var k in report.Kinds)
        {
            kinds.AddRow(
                k.Kind,
                $"{k.Count:N0}",
                $"{S(k.AcksBackMedian)} / {S(k.AcksBackMax)}{Unrecovered(k.AcksNotBack)}",
                $"{S(k.ConvergedMedian)} / {S(k.ConvergedMax)}{Unrecovered(k.NotConverged)}",
                $"{k.OverBound:N0}");
        }

        console.Write(kinds);

        var faults = new Table().Title("faults").Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("#").RightAligned()).AddColumn("fault").AddColumn("target")
            .AddColumn(new TableColumn("at s").RightAligned()).AddColumn(new TableColumn("lasted s").RightAligned())
            .AddColumn(new TableColumn("acks back s").RightAligned()).AddColumn(new TableColumn("converged s").RightAligned());
        foreach (var f in report.Faults)
        {
            faults.AddRow(
                $"{f.Number}", f.Kind, f.Target, N(f.StartSecond), N(f.DurationSeconds),
                f.AcksBackSeconds is { } a ? N(a) : "not before the next",
                f.NeverConverged ? "never" : f.ConvergedSeconds is { } s ? N(s) : "not before the next");
        }

        console.Write(faults);
        foreach (var note in report.Faults.SelectMany(f => f.Notes.Select(n => $"fault {f.Number}: {n}")).Concat(report.Incidents))
        {
            console.WriteLine(note);
        }

        foreach (var line in report.Diagnosis)
        {
            console.WriteLine(line);
        }

        console.WriteLine(report.Passed
            ? "chaos: PASSED (0 lost, 0 duplicated, 0 not converged)"
            : $"chaos: FAILED ({c.Lost:N0} lost, {c.Duplicated:N0} duplicated, {c.NotConverged:N0} not converged)");
    }

    private static string Verdict(long count) => count == 0 ? "0" : $"[red]{count:N0}[/]";

    private static string Unrecovered(int count) => count == 0 ? "" : $" ({count} not before the next)";

    private static string S(double? seconds) => seconds is { } s ? N(s) : "-";

    private static string N(double value) => value.ToString(value >= 100 ? "N0" : "N1", CultureInfo.InvariantCulture);
}
