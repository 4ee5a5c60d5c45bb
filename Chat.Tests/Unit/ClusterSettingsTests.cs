using Chat.Hubs.Connections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Chat.Tests.Unit;

public sealed class ClusterSettingsTests
{
    [Fact]
    public void Defaults_beat_every_5_seconds_and_take_a_node_for_dead_after_15()
    {
        var options = Bind([]);

        Assert.Equal(TimeSpan.FromSeconds(5), options.HeartbeatEvery);
        Assert.Equal(TimeSpan.FromSeconds(15), options.NodeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.SweepEvery);
    }

    [Fact]
    public void Short_values_from_configuration_are_taken()
    {
        var options = Bind(new() { ["Cluster:HeartbeatSeconds"] = "1", ["Cluster:NodeTimeoutSeconds"] = "3", ["Cluster:SweepSeconds"] = "1" });

        Assert.Equal(TimeSpan.FromSeconds(1), options.HeartbeatEvery);
        Assert.Equal(TimeSpan.FromSeconds(3), options.NodeTimeout);
    }

    [Theory]
    [InlineData("5", "5", "5")]
    [InlineData("10", "5", "5")]
    [InlineData("0", "15", "5")]
    [InlineData("5", "15", "0")]
    public void A_timeout_not_longer_than_the_heartbeat_or_a_zero_period_is_refused(string heartbeat, string timeout, string sweep)
    {
        Assert.Throws<OptionsValidationException>(() => Bind(new()
        {
            ["Cluster:HeartbeatSeconds"] = heartbeat,
            ["Cluster:NodeTimeoutSeconds"] = timeout,
            ["Cluster:SweepSeconds"] = sweep,
        }));
    }

    [Fact]
    public void Registry_entries_read_back_as_node_and_connection()
    {
        Assert.Equal(new ConnectionEntry("node1", "conn|x"), ConnectionEntry.Parse(ConnectionEntry.Format("node1", "conn|x")));
        Assert.StartsWith(ConnectionEntry.NodePrefix("node1"), ConnectionEntry.Format("node1", "c"));
        Assert.Null(ConnectionEntry.Parse("no-separator"));
        Assert.Null(ConnectionEntry.Parse("|connection-only"));
        Assert.Null(ConnectionEntry.Parse("node-only|"));
    }

    private static ClusterOptions Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration);
        services.AddOptions<ClusterOptions>().BindConfiguration(ClusterOptions.SectionName).ValidateDataAnnotations();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<ClusterOptions>>().Value;
    }
}
