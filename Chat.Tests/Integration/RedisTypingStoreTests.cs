using Chat.Hubs;
using Chat.Hubs.Connections;
using Chat.Hubs.Typing;
using Chat.Tests.Infrastructure;
using Chat.Tests.Unit;
using Microsoft.Extensions.Options;

namespace Chat.Tests.Integration;

/// <summary>The typing store contract against the real test Redis, as two nodes share it.</summary>
public sealed class RedisTypingStoreTests : TypingTrackerContract, IAsyncLifetime
{
    // A prefix per test keeps tests apart on the one Redis; two connections stand for two nodes.
    private readonly IOptions<ChatRedisOptions> options = Options.Create(new ChatRedisOptions
    {
        Configuration = TestServers.Redis,
        ChannelPrefix = $"typing-test-{Guid.NewGuid():N}",
    });

    private readonly ChatRedisConnection nodeA;
    private readonly ChatRedisConnection nodeB;

    public RedisTypingStoreTests()
    {
        nodeA = new ChatRedisConnection(options);
        nodeB = new ChatRedisConnection(options);
    }

    protected override ITypingStore Store => new RedisTypingStore(nodeA);

    private TypingTracker OnNodeB => new(new RedisTypingStore(nodeB), Clock);

    [Fact]
    public async Task A_due_entry_is_expired_by_one_node_only()
    {
        var room = Guid.NewGuid();
        var bob = Guid.NewGuid();
        await Tracker.StartAsync(room, bob);
        Clock.Advance(TypingTracker.Lifetime);

        var passes = await Task.WhenAll(Tracker.ExpireDueAsync(), OnNodeB.ExpireDueAsync(), Tracker.ExpireDueAsync());

        var expired = Assert.Single(passes.SelectMany(p => p));
        Assert.Equal((room, bob), (expired.RoomId, expired.UserId));
        Assert.Empty(await OnNodeB.TypistsAsync(room));
    }

    [Fact]
    public async Task Typing_on_one_node_is_seen_extended_and_stopped_from_the_other()
    {
        var room = Guid.NewGuid();
        var bob = Guid.NewGuid();
        await Tracker.StartAsync(room, bob);
        Clock.Advance(TimeSpan.FromSeconds(2));
        var extendedOnB = await OnNodeB.StartAsync(room, bob);
        Clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Null(extendedOnB);
        Assert.Empty(await Tracker.ExpireDueAsync());
        Assert.Equal([bob], await OnNodeB.TypistsAsync(room));
        var stoppedOnB = await OnNodeB.StopAsync(room, bob);
        Assert.Equal((room, bob), (stoppedOnB!.RoomId, stoppedOnB.UserId));
        Assert.Empty(stoppedOnB.Typists);
        Assert.Empty(await Tracker.TypistsAsync(room));
        Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Empty(await Tracker.ExpireDueAsync());
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await nodeA.DisposeAsync();
        await nodeB.DisposeAsync();
    }
}
