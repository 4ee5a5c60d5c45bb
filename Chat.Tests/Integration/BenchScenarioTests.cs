using System.Text.Json;
using Chat.Bench;
using Chat.Bench.Reporting;
using Chat.Tests.Infrastructure;
using Spectre.Console;

namespace Chat.Tests.Integration;

/// <summary>
/// Each bench scenario, run with tiny numbers against real nodes the bench starts itself: the
/// report must add up (every message to every other member, counts that agree, a JSON file with
/// the percentiles). How fast anything went is printed by the bench, never asserted here.
/// </summary>
public sealed class BenchScenarioTests : IAsyncLifetime
{
    private readonly StringWriter output = new();
    private readonly string outFile = Path.Combine(Path.GetTempPath(), $"chat-bench-{Guid.NewGuid():N}.json");
    private string database = "";

    public async Task InitializeAsync() => database = await TestServers.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        File.Delete(outFile);
        await TestServers.DropDatabaseAsync(database);
    }

    [Fact]
    public async Task Connections_scenario_holds_every_connection_and_reports_server_memory_per_connection()
    {
        var document = await RunAsync("connections", "--connections", "40", "--connect-rate", "200", "--duration", "1");

        var run = Assert.Single(document.Runs);
        Assert.Equal("connections", run.Scenario);
        Assert.Equal(40, run.Connections);
        Assert.Equal(0, run.Sent);
        Assert.Empty(run.Errors);
        var server = Assert.IsType<ServerUsage>(run.Server);
        Assert.True(server.RssBytesConnected > 0, Output);
        Assert.Equal(Math.Round((double)(server.RssBytesAtEnd - server.RssBytesBeforeConnecting) / 40, 1), server.MemoryPerConnectionBytes);
        Assert.Contains("server memory per connection", Output);
    }

    [Fact]
    public async Task Rooms_scenario_delivers_every_message_to_every_other_member_and_writes_the_percentiles()
    {
        var document = await RunAsync("rooms", "--rooms", "3", "--members", "4", "--rate", "4", "--duration", "2", "--out", outFile);

        var run = Assert.Single(document.Runs);
        AssertEveryMessageReachedEveryOtherMember(run, rooms: 3, members: 4);
        Assert.Equal("messagepack", run.Protocol);

        using var written = JsonDocument.Parse(await File.ReadAllTextAsync(outFile));
        var latency = written.RootElement.GetProperty("runs")[0].GetProperty("latency");
        foreach (var percentile in new[] { "p50", "p90", "p99", "p999", "max" })
        {
            Assert.True(latency.GetProperty(percentile).GetDouble() > 0, $"{percentile} in {latency}");
        }

        Assert.Equal(run.Delivered, latency.GetProperty("count").GetInt64());
        Assert.Equal(run.Acked, written.RootElement.GetProperty("runs")[0].GetProperty("ackLatency").GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Hot_room_scenario_over_json_delivers_every_message_to_every_other_member()
    {
        var document = await RunAsync("hot-room", "--members", "25", "--rate", "5", "--duration", "2", "--protocol", "json");

        var run = Assert.Single(document.Runs);
        Assert.Equal("hot-room", run.Scenario);
        Assert.Equal("json", run.Protocol);
        AssertEveryMessageReachedEveryOtherMember(run, rooms: 1, members: 25);
    }

    [Fact]
    public async Task Rooms_scenario_on_two_nodes_sharing_Redis_delivers_across_the_nodes()
    {
        var document = await RunAsync("rooms", "--nodes", "2", "--redis", TestServers.Redis, "--rooms", "2", "--members", "4", "--rate", "4", "--duration", "2");

        var run = Assert.Single(document.Runs);
        Assert.StartsWith("2 nodes on Redis", run.TargetDescription);
        AssertEveryMessageReachedEveryOtherMember(run, rooms: 2, members: 4);
    }

    [Fact]
    public async Task Ramp_scenario_reports_each_step_and_names_the_last_one_within_the_bound_as_the_knee()
    {
        var document = await RunAsync(
            "ramp", "--rooms", "2", "--members", "3", "--rate", "2", "--ramp-step", "1", "--ramp-factor", "2", "--ramp-max-steps", "3",
            "--p99-bound", "60000", "--ramp-refine", "0");

        var run = Assert.Single(document.Runs);
        var steps = Assert.IsAssignableFrom<IReadOnlyList<RampStep>>(run.Steps);
        Assert.NotEmpty(steps);
        var rates = steps.Select(s => s.RatePerRoom).Distinct().Count();
        var failedTwice = steps.Count >= 2 && !steps[^1].WithinBound && !steps[^2].WithinBound && steps[^1].RatePerRoom == steps[^2].RatePerRoom;
        Assert.True(rates == 3 || failedTwice, "the ramp stops at the step limit or when a step over the bound fails again");
        Assert.Equal(2, steps[0].RatePerRoom);
        Assert.Equal(4, steps[0].TargetPerSecond);
        // Each step doubles the rate of one within the bound, or repeats the rate of one over it.
        Assert.All(steps.Skip(1), (step, i) =>
            Assert.Equal(steps[i].WithinBound ? steps[i].RatePerRoom * 2 : steps[i].RatePerRoom, step.RatePerRoom));
        Assert.Equal(steps.LastOrDefault(s => s.WithinBound), run.Knee);
        Assert.Equal(run.Acked, run.Sent);
        Assert.Equal(run.Acked * 2, run.ExpectedDeliveries);
        Assert.Equal(run.ExpectedDeliveries, run.Delivered);
        Assert.Contains("knee", Output);
    }

    [Fact]
    public async Task Persist_scenario_runs_once_per_writer_mode_on_the_same_database_and_prints_the_ratio()
    {
        var document = await RunAsync("persist", "--rooms", "4", "--duration", "2", "--window", "2", "--out", outFile);

        Assert.Equal(2, document.Runs.Count);
        Assert.Contains("MessageWriter__Mode=Batched", document.Runs[0].TargetDescription);
        Assert.Contains("MessageWriter__Mode=PerMessage", document.Runs[1].TargetDescription);
        foreach (var run in document.Runs)
        {
            Assert.Equal(1, run.MembersPerRoom);
            Assert.True(run.Acked > 0, Output);
            Assert.Equal(run.Sent, run.Acked);
            Assert.Equal(0, run.Failed);
            Assert.Equal(0, run.Delivered);
            Assert.Equal(run.Acked, run.AckLatency.Count);
            // The test's PostgreSQL runs on this machine, so its share of the CPU is found and counted.
            var cpu = Assert.IsType<CpuUse>(run.Cpu);
            Assert.True(cpu.DatabaseSeconds > 0, Output);
            Assert.True(cpu.BenchSeconds > 0, Output);
            Assert.InRange(cpu.MachineBusyPercent, 0.1, 100);
            // Read from the node's /metrics: storing and acking messages allocates.
            Assert.True(run.ServerAllocatedBytes > 0, Output);
            // Read from the database's statistics, so a reader sees whether autovacuum ran alongside.
            Assert.NotNull(run.DatabaseUpkeep);
        }

        Assert.Contains("CPU µs per acked message", Output);
        Assert.Contains("PostgreSQL upkeep in the window", Output);

        var stored = Assert.Single(document.Comparisons, c => c.Measure == "stored msgs/s");
        Assert.Equal(document.Runs[0].AckedPerSecond, stored.FirstValue);
        Assert.Equal(document.Runs[1].AckedPerSecond, stored.SecondValue);
        Assert.Equal(Math.Round(stored.FirstValue / stored.SecondValue, 3), stored.Ratio);
        Assert.Equal(2, JsonDocument.Parse(await File.ReadAllTextAsync(outFile)).RootElement.GetProperty("runs").GetArrayLength());
    }

    [Fact]
    public async Task Persist_with_a_writer_named_runs_that_mode_only()
    {
        var document = await RunAsync("persist", "--writer", "PerMessage", "--rooms", "2", "--duration", "1", "--window", "2");

        var run = Assert.Single(document.Runs);
        Assert.Contains("MessageWriter__Mode=PerMessage", run.TargetDescription);
        Assert.True(run.Acked > 0, Output);
        Assert.Equal(run.Sent, run.Acked);
        Assert.Empty(document.Comparisons);
    }

    [Fact]
    public async Task Baseline_comparison_runs_the_same_scenario_on_a_bare_hub_and_prints_the_ratios()
    {
        var document = await RunAsync("rooms", "--target", "baseline", "--rooms", "2", "--members", "3", "--rate", "4", "--duration", "2");

        Assert.Equal(["ours", "baseline"], document.Runs.Select(r => r.Target));
        foreach (var run in document.Runs)
        {
            AssertEveryMessageReachedEveryOtherMember(run, rooms: 2, members: 3);
        }

        var delivered = Assert.Single(document.Comparisons, c => c.Measure == "delivered/s");
        Assert.Equal(document.Runs[0].DeliveredPerSecond, delivered.FirstValue);
        Assert.Equal(document.Runs[1].DeliveredPerSecond, delivered.SecondValue);
        Assert.Contains(document.Comparisons, c => c.Measure == "memory per connection (bytes)");
        Assert.NotNull(document.Runs[0].Cpu?.DatabaseSeconds);
        Assert.Null(document.Runs[1].Cpu?.DatabaseSeconds);
        Assert.NotNull(document.Runs[0].DatabaseUpkeep);
        Assert.Null(document.Runs[1].DatabaseUpkeep);
        var allocated = Assert.Single(document.Comparisons, c => c.Measure == "server bytes allocated per acked message");
        Assert.True(allocated.FirstValue > 0 && allocated.SecondValue > 0, Output);
        Assert.Contains("comparison", Output);
    }

    [Fact]
    public async Task Users_spread_over_load_workers_and_three_nodes_get_every_message_and_the_report_adds_up_their_counts()
    {
        var document = await RunAsync(
            "rooms", "--workers", "2", "--nodes", "3", "--redis", TestServers.Redis, "--rooms", "3", "--members", "3", "--rate", "4", "--duration", "2");

        var run = Assert.Single(document.Runs);
        // Room 1 lives in the second worker, rooms 0 and 2 in the first; each room's members are on all three nodes.
        AssertEveryMessageReachedEveryOtherMember(run, rooms: 3, members: 3);
        Assert.Contains("3 nodes", run.TargetDescription);
        var redis = Assert.IsType<RedisUsage>(run.Redis);
        Assert.True(redis.UsedMemoryBytes > 0, Output);
        Assert.True(run.Cpu?.BenchSeconds > 0, Output);
    }

    [Fact]
    public async Task All_targets_on_two_nodes_deliver_every_message_across_their_nodes_and_compare_with_ours()
    {
        // Four members a room over two nodes: every room has members on both, so the bare hubs'
        // Redis backplane and Socket.IO's Redis adapter carry half of each room's deliveries.
        var document = await RunAsync(
            "rooms", "--target", "all", "--nodes", "2", "--redis", TestServers.Redis, "--rooms", "2", "--members", "4", "--rate", "4", "--duration", "2");

        Assert.Equal(["ours", "baseline", "socketio"], document.Runs.Select(r => r.Target));
        foreach (var run in document.Runs)
        {
            AssertEveryMessageReachedEveryOtherMember(run, rooms: 2, members: 4);
        }

        Assert.Contains("Redis", document.Runs[1].TargetDescription);
        Assert.Contains("Socket.IO", document.Runs[2].TargetDescription);
        var delivered = document.Comparisons.Where(c => c.Measure == "delivered/s").ToList();
        Assert.Equal(["baseline", "socketio"], delivered.Select(c => c.Second));
        Assert.Equal(document.Runs[2].DeliveredPerSecond, delivered[1].SecondValue);
        var generator = Assert.Single(document.Comparisons, c => c.Measure == "bench CPU µs per delivery" && c.Second == "socketio");
        Assert.True(generator.FirstValue > 0 && generator.SecondValue > 0, Output);
    }

    [Fact]
    public async Task Rounds_take_turns_between_the_targets_and_end_with_the_median_of_each_ratio()
    {
        var document = await RunAsync("rooms", "--target", "both", "--rounds", "2", "--rooms", "2", "--members", "2", "--rate", "4", "--duration", "1");

        Assert.Equal(["ours", "baseline", "ours", "baseline"], document.Runs.Select(r => r.Target));
        var first = Assert.Single(document.Comparisons, c => c.Measure == "round 1: delivered/s");
        var second = Assert.Single(document.Comparisons, c => c.Measure == "round 2: delivered/s");
        Assert.Equal(document.Runs[2].DeliveredPerSecond, second.FirstValue);
        Assert.Equal(document.Runs[3].DeliveredPerSecond, second.SecondValue);
        var median = Assert.Single(document.Comparisons, c => c.Measure == "median of 2 rounds: delivered/s");
        Assert.Equal(Math.Round((first.Ratio + second.Ratio) / 2, 3), median.Ratio);
        Assert.Equal((first.FirstValue + second.FirstValue) / 2, median.FirstValue);
        Assert.Contains("median of 2 rounds", Output);
    }

    [Fact]
    public async Task Stuck_members_run_once_per_kind_each_room_with_one_more_member_that_no_count_includes()
    {
        var document = await RunAsync("rooms", "--rooms", "2", "--members", "3", "--rate", "4", "--duration", "2", "--stuck", "none,reading,acks");

        Assert.Equal(["none", "stops reading", "never acknowledges"], document.Runs.Select(r => r.Stuck));
        foreach (var run in document.Runs)
        {
            // The stuck member receives what the room sends but is neither a connection nor a receiver the report counts.
            AssertEveryMessageReachedEveryOtherMember(run, rooms: 2, members: 3);
            Assert.NotNull(run.CutOff);
        }

        var p99 = Assert.Single(document.Comparisons, c => c.Measure == "delivery p99 ms, stops reading");
        Assert.Equal(document.Runs[1].Latency.P99, p99.FirstValue);
        Assert.Equal(document.Runs[0].Latency.P99, p99.SecondValue);
        Assert.Contains(document.Comparisons, c => c.Measure == "delivery p99 ms, never acknowledges");
        Assert.Contains("stuck member per room", Output);
    }

    [Fact]
    public async Task Bots_scenario_streams_every_reply_to_every_member_on_both_nodes_and_times_each_delta()
    {
        var document = await RunAsync(
            "bots", "--nodes", "2", "--redis", TestServers.Redis, "--rooms", "2", "--members", "3", "--rate", "2", "--duration", "2",
            "--reply-words", "12", "--word-delay", "10", "--out", outFile);

        var run = Assert.Single(document.Runs);
        // The triggers are the room's own messages: each reaches the other members as in rooms.
        AssertEveryMessageReachedEveryOtherMember(run, rooms: 2, members: 3);
        var replies = Assert.IsType<BotReplyResult>(run.Replies);
        var context = JsonSerializer.Serialize(replies, BenchRunner.JsonOptions);
        // Every trigger's reply began and ended complete at every member of its room, sender included.
        Assert.Equal(run.Acked * 3, replies.ExpectedSightings);
        Assert.Equal(replies.ExpectedSightings, replies.Started);
        Assert.Equal(replies.Started, replies.Completed);
        Assert.Equal(0, replies.EndedOtherwise);
        // Twelve words and more, in deltas that each member got in order, each timed by its stamp.
        Assert.True(replies.Deltas >= replies.Started, context);
        Assert.Equal(0, replies.IndexGaps);
        Assert.Equal(0, replies.UnstampedDeltas);
        Assert.Equal(replies.Deltas, replies.DeltaLatency.Count);
        Assert.True(replies.DeltaLatency.P50 > 0 && replies.DeltaLatency.P99 <= replies.DeltaLatency.Max, context);
        Assert.Contains("delta ms p50 p90 p99 p99.9 max", Output);
        using var written = JsonDocument.Parse(await File.ReadAllTextAsync(outFile));
        Assert.Equal(replies.Deltas, written.RootElement.GetProperty("runs")[0].GetProperty("replies").GetProperty("deltaLatency").GetProperty("count").GetInt64());
    }

    private string Output => output.ToString();

    private static void AssertEveryMessageReachedEveryOtherMember(ScenarioResult run, int rooms, int members)
    {
        var context = JsonSerializer.Serialize(run, BenchRunner.JsonOptions);
        Assert.Equal(rooms, run.Rooms);
        Assert.Equal(members, run.MembersPerRoom);
        Assert.Equal(rooms * members, run.Connections);
        Assert.True(run.Sent > 0, context);
        Assert.Equal(run.Sent, run.Acked);
        Assert.Equal(0, run.Failed);
        Assert.Empty(run.Errors);
        Assert.Equal(run.Acked * (members - 1), run.ExpectedDeliveries);
        Assert.Equal(run.ExpectedDeliveries, run.Delivered);
        Assert.Equal(0, run.MembersMissingMessages);
        Assert.Equal(run.Delivered, run.Latency.Count);
        Assert.Equal(run.Acked, run.AckLatency.Count);
        Assert.True(run.Latency.P50 <= run.Latency.P99 && run.Latency.P99 <= run.Latency.Max, context);
        Assert.NotNull(run.Server);
    }

    private async Task<BenchDocument> RunAsync(params string[] args)
    {
        string[] all = [.. args, "--postgres", database, "--no-live", "--drain", "30"];
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        var settings = BenchSettings.Parse(all);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        return await new BenchRunner(settings, console).RunAsync(all, deadline.Token);
    }
}
