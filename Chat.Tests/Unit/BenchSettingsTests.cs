using Chat.Bench;

namespace Chat.Tests.Unit;

public sealed class BenchSettingsTests
{
    private const string Postgres = "Host=127.0.0.1;Username=chat;Password=secret;Database=chat";

    [Fact]
    public void Options_reach_the_settings_they_name()
    {
        var settings = BenchSettings.Parse(
            ["rooms", "--postgres", Postgres, "--rooms", "7", "--members", "3", "--rate", "2.5", "--duration", "4", "--protocol", "json", "--target", "baseline"]);

        Assert.Equal(Scenario.Rooms, settings.Scenario);
        Assert.Equal(7, settings.Rooms);
        Assert.Equal(3, settings.Members);
        Assert.Equal(2.5, settings.Rate);
        Assert.Equal(TimeSpan.FromSeconds(4), settings.Duration);
        Assert.True(settings.Json);
        Assert.Equal(TargetKind.Both, settings.Target);
    }

    [Fact]
    public void A_ramp_step_over_the_bound_is_run_once_more_unless_told_otherwise()
    {
        Assert.Equal(1, BenchSettings.Parse(["ramp", "--postgres", Postgres]).RampRetries);
        Assert.Equal(0, BenchSettings.Parse(["ramp", "--postgres", Postgres, "--ramp-retries", "0"]).RampRetries);
    }

    [Fact]
    public void A_ramp_narrows_the_gap_below_the_bound_three_times_unless_told_otherwise()
    {
        Assert.Equal(3, BenchSettings.Parse(["ramp", "--postgres", Postgres]).RampRefinements);
        Assert.Equal(0, BenchSettings.Parse(["ramp", "--postgres", Postgres, "--ramp-refine", "0"]).RampRefinements);
    }

    [Fact]
    public void Hot_room_has_thousands_of_members_unless_told_otherwise()
    {
        Assert.Equal(BenchSettings.HotRoomMembers, BenchSettings.Parse(["hot-room", "--postgres", Postgres]).Members);
        Assert.Equal(50, BenchSettings.Parse(["hot-room", "--postgres", Postgres, "--members", "50"]).Members);
    }

    [Fact]
    public void Bots_asks_once_a_second_per_room_unless_told_otherwise()
    {
        var settings = BenchSettings.Parse(["bots", "--postgres", Postgres, "--reply-words", "12", "--word-delay", "5"]);

        Assert.Equal(Scenario.Bots, settings.Scenario);
        Assert.Equal(BenchSettings.BotTriggerRate, settings.Rate);
        Assert.Equal(12, settings.ReplyWords);
        Assert.Equal(TimeSpan.FromMilliseconds(5), settings.WordDelay);
        Assert.Equal(3, BenchSettings.Parse(["bots", "--postgres", Postgres, "--rate", "3"]).Rate);
    }

    [Fact]
    public void Node_environment_collects_every_variable_and_keeps_equals_signs_in_values()
    {
        var settings = BenchSettings.Parse(
            ["rooms", "--postgres", Postgres, "--node-env", "DOTNET_GCgen0size=0x4000000", "--node-env", "Extra__Filter=a=b"]);

        Assert.Equal("0x4000000", settings.NodeEnvironment["DOTNET_GCgen0size"]);
        Assert.Equal("a=b", settings.NodeEnvironment["Extra__Filter"]);
    }

    [Theory]
    [InlineData("--node-env needs NAME=VALUE", "rooms", "--postgres", Postgres, "--node-env", "=1")]
    [InlineData("unknown scenario 'chat'", "chat", "--postgres", Postgres)]
    [InlineData("unknown option --romos", "rooms", "--postgres", Postgres, "--romos", "3")]
    [InlineData("--rooms needs a whole number from 1", "rooms", "--postgres", Postgres, "--rooms", "0")]
    [InlineData("--rate needs a positive number", "rooms", "--postgres", Postgres, "--rate", "fast")]
    [InlineData("--nodes 2 needs --redis", "rooms", "--postgres", Postgres, "--nodes", "2")]
    [InlineData("--duration needs a value", "rooms", "--postgres", Postgres, "--duration")]
    [InlineData("bots declares its bot on nodes it starts", "bots", "--url", "http://127.0.0.1:5000")]
    [InlineData("bots declares its bot on nodes it starts", "bots", "--postgres", Postgres, "--target", "both")]
    public void Bad_command_lines_are_refused_with_what_is_wrong(string expected, params string[] args)
    {
        var refused = Assert.Throws<ArgumentException>(() => BenchSettings.Parse(args));
        Assert.StartsWith(expected, refused.Message);
    }

    [Fact]
    public void The_report_leaves_the_connection_string_out()
    {
        var line = BenchRunner.Redacted(["rooms", "--postgres", Postgres, "--rooms", "2"]);

        Assert.Equal("rooms --postgres *** --rooms 2", line);
    }
}
