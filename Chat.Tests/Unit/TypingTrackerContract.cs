using Chat.Hubs.Typing;
using Microsoft.Extensions.Time.Testing;

namespace Chat.Tests.Unit;

/// <summary>
/// What every typing store must do, driven through <see cref="TypingTracker"/> on a fake clock:
/// the memory store runs these as unit tests, the Redis store against the real test Redis.
/// </summary>
public abstract class TypingTrackerContract
{
    protected static readonly DateTimeOffset Start = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly Guid room = Guid.NewGuid();
    private readonly Guid bob = Guid.NewGuid();
    private readonly Guid carol = Guid.NewGuid();

    protected FakeTimeProvider Clock { get; } = new(Start);

    protected abstract ITypingStore Store { get; }

    protected TypingTracker Tracker => new(Store, Clock);

    [Fact]
    public async Task A_typist_expires_three_seconds_after_the_last_event_not_the_first()
    {
        var first = await Tracker.StartAsync(room, bob);
        Clock.Advance(TimeSpan.FromSeconds(2));
        var again = await Tracker.StartAsync(room, bob);

        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(await Tracker.ExpireDueAsync());
        Assert.Equal([bob], await Tracker.TypistsAsync(room));
        Clock.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromMilliseconds(1));
        Assert.Empty(await Tracker.ExpireDueAsync());
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var expired = Assert.Single(await Tracker.ExpireDueAsync());

        Assert.Equal((room, bob), (first!.RoomId, first.UserId));
        Assert.Equal([bob], first.Typists);
        Assert.Null(again);
        Assert.Equal((room, bob), (expired.RoomId, expired.UserId));
        Assert.Empty(expired.Typists);
        Assert.Empty(await Tracker.TypistsAsync(room));
        Assert.Empty(await Tracker.ExpireDueAsync());
    }

    [Fact]
    public async Task Stopping_removes_the_typist_at_once_and_nothing_expires_later()
    {
        await Tracker.StartAsync(room, bob);
        Clock.Advance(TimeSpan.FromMilliseconds(100));
        await Tracker.StartAsync(room, carol);

        var stopped = await Tracker.StopAsync(room, bob);
        var stoppedAgain = await Tracker.StopAsync(room, bob);

        Assert.Equal([carol], stopped!.Typists);
        Assert.Equal(bob, stopped.UserId);
        Assert.Null(stoppedAgain);
        Assert.Equal([carol], await Tracker.TypistsAsync(room));
        Clock.Advance(TimeSpan.FromSeconds(3));
        var expired = Assert.Single(await Tracker.ExpireDueAsync());
        Assert.Equal(carol, expired.UserId);
        Assert.Empty(expired.Typists);
    }

    [Fact]
    public async Task An_expiry_carries_the_list_of_those_still_typing()
    {
        var bobStarts = await Tracker.StartAsync(room, bob);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var carolStarts = await Tracker.StartAsync(room, carol);
        Clock.Advance(TimeSpan.FromSeconds(2));

        var expired = Assert.Single(await Tracker.ExpireDueAsync());

        Assert.Equal([bob], bobStarts!.Typists);
        Assert.Equal([bob, carol], carolStarts!.Typists);
        Assert.Equal((room, bob), (expired.RoomId, expired.UserId));
        Assert.Equal([carol], expired.Typists);
    }

    [Fact]
    public async Task Typing_again_after_stopping_lasts_from_the_new_event()
    {
        await Tracker.StartAsync(room, bob);
        Clock.Advance(TimeSpan.FromSeconds(1));
        await Tracker.StopAsync(room, bob);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var restarted = await Tracker.StartAsync(room, bob);

        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(await Tracker.ExpireDueAsync());
        Clock.Advance(TimeSpan.FromSeconds(2));
        var expired = Assert.Single(await Tracker.ExpireDueAsync());

        Assert.Equal([bob], restarted!.Typists);
        Assert.Equal(bob, expired.UserId);
    }

    [Fact]
    public async Task Rooms_keep_separate_lists()
    {
        var otherRoom = Guid.NewGuid();
        await Tracker.StartAsync(room, bob);
        var inOtherRoom = await Tracker.StartAsync(otherRoom, bob);

        Assert.Equal([bob], inOtherRoom!.Typists);
        Assert.Equal([bob], await Tracker.TypistsAsync(room));
        await Tracker.StopAsync(otherRoom, bob);
        Assert.Equal([bob], await Tracker.TypistsAsync(room));
        Assert.Empty(await Tracker.TypistsAsync(otherRoom));
    }
}
