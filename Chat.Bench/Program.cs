using Chat.Bench.Baseline;
using Chat.Bench.Chaos;
using Chat.Bench.Load;
using Spectre.Console;

namespace Chat.Bench;

/// <summary>
/// The command line. An explicit class rather than top-level statements: those would generate a
/// public <c>Program</c> that clashes with Chat.Api's in the tests, which reference both.
/// </summary>
internal static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args is [BaselineHost.Command, ..])
        {
            await BaselineHost.RunAsync(args[1..]);
            return 0;
        }

        if (args is [LoadWorker.Command])
        {
            return await LoadWorker.RunAsync();
        }

        BenchSettings settings;
        try
        {
            settings = BenchSettings.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine();
            Console.Error.WriteLine(BenchSettings.Usage);
            return 2;
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // The first Ctrl-C stops the run cleanly, so the nodes the bench started are stopped too.
            e.Cancel = true;
            stop.Cancel();
        };

        // Redirected output gets Spectre's 80 columns otherwise, which wraps every table.
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 240;
        }

        try
        {
            if (settings.Scenario == Scenario.Chaos)
            {
                // A chaos run fails when anything acked was lost, stored twice or never reached a member.
                var report = await new ChaosRun(settings, AnsiConsole.Console).RunAsync(args, stop.Token);
                return report.Passed ? 0 : 1;
            }

            await new BenchRunner(settings, AnsiConsole.Console).RunAsync(args, stop.Token);
            return 0;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TimeoutException or IOException
            or System.Net.WebSockets.WebSocketException)
        {
            // A node that ran out of file descriptors or memory shows up here as a refused
            // connection: one line says so, the inner error says why.
            Console.Error.WriteLine($"bench failed: {e.Message}{(e.InnerException is { } inner ? $" ({inner.Message})" : "")}");
            return 1;
        }
    }
}
