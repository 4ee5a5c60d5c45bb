using Chat.Hubs.Typing;

namespace Chat.Tests.Unit;

public sealed class MemoryTypingStoreTests : TypingTrackerContract
{
    private readonly MemoryTypingStore store = new();

    protected override ITypingStore Store => store;

    [Fact]
    public async Task An_expiry_pass_touches_only_the_due_entry_among_ten_thousand_rooms()
    {
        var dueRoom = Guid.NewGuid();
        var dueTypist = Guid.NewGuid();
        await Tracker.StartAsync(dueRoom, dueTypist);
        Clock.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 10_000; i++)
        {
            await Tracker.StartAsync(Guid.NewGuid(), Guid.NewGuid());
        }

        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(await Tracker.ExpireDueAsync());
        Assert.Equal(0, store.VisitedLastPass);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var expired = Assert.Single(await Tracker.ExpireDueAsync());

        Assert.Equal(1, store.VisitedLastPass);
        Assert.Equal((dueRoom, dueTypist), (expired.RoomId, expired.UserId));
        Assert.Empty(expired.Typists);
        Assert.Equal(10_000, store.Count);
    }

    [Fact]
    public async Task Extending_typing_keeps_one_queued_entry_per_typist()
    {
        var room = Guid.NewGuid();
        var bob = Guid.NewGuid();
        await Tracker.StartAsync(room, bob);
        for (var i = 0; i < 100; i++)
        {
            Clock.Advance(TimeSpan.FromMilliseconds(20));
            await Tracker.StartAsync(room, bob);
        }

        // Now t=2 s and Bob types until t=5 s. His entry was queued for t=3 s; at that time it is
        // found extended and queued again, once, however often he typed meanwhile.
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(await Tracker.ExpireDueAsync());
        Assert.Equal(1, store.VisitedLastPass);
        Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Single(await Tracker.ExpireDueAsync());
        Assert.Equal(1, store.VisitedLastPass);
        Assert.Equal(0, store.Count);
    }
}
