using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Chat.Bench.Targets;

namespace Chat.Bench.Load;

/// <summary>
/// The load workers of one run (see <see cref="LoadWorker"/>), each with whole rooms of the run's
/// users (room r goes to worker r mod N; without rooms, user i does), told the same command at
/// once and answering each with what it has counted.
/// </summary>
public sealed class WorkerFleet : IAsyncDisposable
{
    private static readonly TimeSpan QuitGrace = TimeSpan.FromSeconds(60);

    private readonly List<Process> workers;

    private WorkerFleet(List<Process> workers) => this.workers = workers;

    /// <summary>The workers' process ids, whose CPU counts as the bench's.</summary>
    public IReadOnlyList<int> Pids => [.. workers.Select(w => w.Id)];

    /// <summary>Starts <paramref name="count"/> workers of this very assembly and hands each its share of the users.</summary>
    public static async Task<WorkerFleet> StartAsync(
        int count, BenchSettings settings, IBenchTarget target, IReadOnlyList<BenchIdentity> users, IReadOnlyList<Guid> rooms, int membersPerRoom)
    {
        var fleet = new WorkerFleet([]);
        try
        {
            for (var w = 0; w < count; w++)
            {
                List<int> mine = [.. Enumerable.Range(0, rooms.Count).Where(r => r % count == w)];
                var spec = new WorkerSpec(
                    target.Name,
                    target.Wire,
                    settings.Json,
                    settings.SourceAddresses,
                    settings.MaxInFlight,
                    settings.MessageSize,
                    membersPerRoom,
                    rooms.Count > 0
                        ? [.. mine.SelectMany(r => users.Skip(r * membersPerRoom).Take(membersPerRoom))]
                        : [.. users.Where((_, i) => i % count == w)],
                    [.. mine.Select(r => rooms[r])]);
                var worker = Start();
                fleet.workers.Add(worker);
                await worker.StandardInput.WriteLineAsync(JsonSerializer.Serialize(spec, WorkerCommands.Json));
            }

            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    /// <summary>Connects every worker's users, the given rate shared among the workers.</summary>
    public Task<IReadOnlyList<WorkerReport>> ConnectAsync(double perSecond) =>
        AskAsync(Invariant($"{WorkerCommands.Connect} {perSecond / workers.Count}"));

    /// <summary>Sends <paramref name="ratePerRoom"/> messages a second in every room for <paramref name="duration"/>.</summary>
    public Task<IReadOnlyList<WorkerReport>> SendPacedAsync(double ratePerRoom, TimeSpan duration) =>
        AskAsync(Invariant($"{WorkerCommands.Send} {ratePerRoom} {duration.TotalSeconds}"));

    public Task<IReadOnlyList<WorkerReport>> DrainAsync(TimeSpan limit) => AskAsync(Invariant($"{WorkerCommands.Drain} {limit.TotalSeconds}"));

    public Task<IReadOnlyList<WorkerReport>> ResetAsync() => AskAsync(WorkerCommands.Reset);

    public Task<IReadOnlyList<WorkerReport>> ReportAsync() => AskAsync(WorkerCommands.Report);

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in workers)
        {
            try
            {
                await worker.StandardInput.WriteLineAsync(WorkerCommands.Quit);
                worker.StandardInput.Close();
            }
            catch (IOException)
            {
                // Gone already.
            }
        }

        foreach (var worker in workers)
        {
            using var grace = new CancellationTokenSource(QuitGrace);
            try
            {
                await worker.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                worker.Kill(entireProcessTree: true);
            }

            ExitCleanup.Forget(worker);
            worker.Dispose();
        }
    }

    /// <summary>Tells every worker the command at once and waits for all their answers.</summary>
    private async Task<IReadOnlyList<WorkerReport>> AskAsync(string command)
    {
        foreach (var worker in workers)
        {
            await worker.StandardInput.WriteLineAsync(command);
        }

        return await Task.WhenAll(workers.Select(async worker =>
        {
            var line = await worker.StandardOutput.ReadLineAsync()
                ?? throw new InvalidOperationException($"load worker {worker.Id} ended (exit code {(worker.HasExited ? worker.ExitCode : -1)}) while asked '{command}'");
            return JsonSerializer.Deserialize<WorkerReport>(line, WorkerCommands.Json)
                ?? throw new InvalidOperationException($"load worker {worker.Id} answered '{line}'");
        }));
    }

    private static Process Start()
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            // What a worker writes to its error stream goes to the bench's, unread here.
            RedirectStandardError = false,
        };
        start.ArgumentList.Add(typeof(WorkerFleet).Assembly.Location);
        start.ArgumentList.Add(LoadWorker.Command);
        var process = Process.Start(start) ?? throw new InvalidOperationException("a load worker did not start");
        ExitCleanup.Remember(process, () =>
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Gone already.
            }
        });
        process.StandardInput.AutoFlush = true;
        return process;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
