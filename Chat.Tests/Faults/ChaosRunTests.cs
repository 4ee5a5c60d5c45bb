using Chat.Bench;
using Chat.Bench.Chaos;
using Chat.Tests.Infrastructure;
using Spectre.Console;
using Xunit.Abstractions;

namespace Chat.Tests.Faults;

/// <summary>
/// The chaos run in short: one fault of each kind under a small load, on two nodes and a
/// redis-server of the run's own and a database of the test's own. The PostgreSQL fault closes
/// that database to the nodes and ends its connections instead of restarting the server other
/// test classes use. scripts/chaos.sh runs the long version on a cluster it restarts (RELIABILITY.md).
/// </summary>
public sealed class ChaosRunTests(ITestOutputHelper output)
{
    [Fact]
    public async Task One_fault_of_each_kind_loses_no_acked_message_stores_none_twice_and_every_member_gets_every_one()
    {
        var database = await TestServers.CreateDatabaseAsync();
        var report = new StringWriter();
        try
        {
            // The node stays frozen past the clients' 30 s server timeout, so they give it up and
            // reconnect: that fault alone is half of the test's time.
            string[] args =
            [
                "chaos", "--postgres", database, "--rooms", "4", "--members", "3", "--rate", "2", "--warmup", "2",
                "--faults", "1", "--fault-gap", "3", "--node-down", "1", "--redis-down", "2", "--redis-pause", "3",
                "--postgres-down", "2", "--node-pause", "33", "--no-live",
            ];
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            // The progress lines and the fault lines come from different threads.
            var run = await new ChaosRun(BenchSettings.Parse(args), Writer(TextWriter.Synchronized(report))).RunAsync(args, deadline.Token);

            Assert.Equal(FaultKinds.All.Select(FaultKinds.Name).Order(), run.Faults.Select(f => f.Kind).Order());
            Assert.True(run.Acked > 0, report.ToString());
            Assert.Equal(0, run.Unsettled);
            Assert.Equal(0, run.Counts.Lost);
            Assert.Equal(0, run.Counts.Duplicated);
            Assert.Equal(0, run.Counts.NotConverged);
            Assert.Equal(run.Acked, run.Counts.RowsStored - run.Counts.FailedButStored);
            Assert.True(run.Passed);
        }
        finally
        {
            output.WriteLine(report.ToString());
            await TestServers.DropDatabaseAsync(database);
        }
    }

    private static IAnsiConsole Writer(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        // The report's tables, unwrapped in the test's output.
        console.Profile.Width = 200;
        return console;
    }
}
