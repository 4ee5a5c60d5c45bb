using System.Globalization;
using System.Text.Json;
using Chat.Bench.Targets;

namespace Chat.Bench.Load;

/// <summary>
/// A process that holds some of a run's simulated users (<c>Chat.Bench load-worker</c>): one
/// process may only open so many files, so a run of a hundred thousand connections spreads them
/// over several. It reads its <see cref="WorkerSpec"/> as the first line of its input, then one
/// <see cref="WorkerCommands"/> command per line, and answers each with a <see cref="WorkerReport"/>
/// line. Whole rooms live in one worker, so every message is timed and counted where it was sent.
/// </summary>
public static class LoadWorker
{
    public const string Command = "load-worker";

    private const int DisposeParallelism = 256;

    public static async Task<int> RunAsync()
    {
        var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
        var spec = JsonSerializer.Deserialize<WorkerSpec>(await Console.In.ReadLineAsync() ?? "", WorkerCommands.Json)
            ?? throw new InvalidOperationException("no worker spec on the first line");
        var metrics = new LoadMetrics();
        using var connector = new LoopbackConnector(spec.SourceAddresses);
        var members = spec.MembersPerRoom;
        var users = spec.Users.Select(u => new SimulatedUser(u, spec.Wire, spec.Json, connector, metrics)).ToList();
        SimulatedUser.Seat(users, spec.Rooms, members);

        var driver = new LoadDriver(users, spec.Rooms.Count, members, metrics, spec.MaxInFlight, spec.MessageSize);
        var connected = 0;
        try
        {
            while (await Console.In.ReadLineAsync() is { } line)
            {
                var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                switch (words.FirstOrDefault())
                {
                    case WorkerCommands.Connect:
                        await ConnectPacer.ConnectAllAsync(
                            users,
                            Number(words, 1),
                            members > 0 ? (user, i, ct) => MembershipConfirmation.ConfirmAsync(spec.TargetName, user, spec.Rooms[i / members], ct) : null,
                            metrics,
                            () => Interlocked.Increment(ref connected),
                            CancellationToken.None);
                        break;
                    case WorkerCommands.Send:
                        await driver.SendPacedAsync(Number(words, 1), TimeSpan.FromSeconds(Number(words, 2)), CancellationToken.None);
                        break;
                    case WorkerCommands.Drain:
                        await driver.DrainAsync(TimeSpan.FromSeconds(Number(words, 1)), CancellationToken.None);
                        break;
                    case WorkerCommands.Reset:
                        metrics.Reset();
                        break;
                    case WorkerCommands.Quit:
                        return 0;
                }

                metrics.TakeInterval();
                var report = new WorkerReport(
                    metrics.Sent,
                    metrics.Acked,
                    metrics.Failed,
                    metrics.Delivered,
                    metrics.ExpectedDeliveries,
                    metrics.InFlight,
                    Volatile.Read(ref connected),
                    LoadDriver.MembersMissingMessages(users, spec.Rooms.Count, members),
                    metrics.Errors.ToDictionary(),
                    WorkerReport.Values(metrics.DeliveryTotal),
                    WorkerReport.Values(metrics.AckTotal));
                await output.WriteLineAsync(JsonSerializer.Serialize(report, WorkerCommands.Json));
            }

            return 0;
        }
        finally
        {
            await Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = DisposeParallelism }, async (user, _) => await user.DisposeAsync());
        }
    }

    private static double Number(string[] words, int index) =>
        words.Length > index && double.TryParse(words[index], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidOperationException($"'{string.Join(' ', words)}' lacks a number at {index}");
}
