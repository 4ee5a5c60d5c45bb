using System.Net;
using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Retention;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Chat.Tests.Integration;

/// <summary>
/// Pinned messages: who may pin, what may be pinned, the room's cap, the events the room hears,
/// and where a pin shows (the room's pins, pinnedCount, a message's pinned flag).
/// </summary>
public sealed class PinTests(PinTests.PinsNodeFixture fixture) : IClassFixture<PinTests.PinsNodeFixture>
{
    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task A_moderator_pins_and_unpins_and_the_room_hears_both_over_either_protocol()
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice, HubProtocol.MessagePack);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob, HubProtocol.Json);
        await using var carolHub = await HubClient.ConnectAsync(Node, carol, HubProtocol.MessagePack);
        var sent = await bobHub.SendTextAsync(room.Id, "the meeting is at noon");

        await aliceHub.PinMessageAsync(room.Id, sent.MessageId);
        var atBob = await bobHub.NextPinAsync();
        var atCarol = await carolHub.NextPinAsync();
        var atAlice = await aliceHub.NextPinAsync();
        using var bobHttp = Node.Http(bob.Token);
        var listed = Assert.Single(await bobHttp.PinsAsync(room.Id));

        foreach (var pin in new[] { atBob, atCarol, atAlice, listed })
        {
            Assert.Equal((room.Id, sent.MessageId, alice.Id), (pin.RoomId, pin.Message.Id, pin.PinnedBy));
            Assert.Equal(("the meeting is at noon", true, bob.Id), (pin.Message.Content, pin.Message.Pinned, pin.Message.SenderId));
            Assert.Equal(DateTimeKind.Utc, pin.PinnedAt.Kind);
        }

        Assert.Equal(atBob.PinnedAt, listed.PinnedAt);

        using var aliceHttp = Node.Http(alice.Token);
        await aliceHttp.UnpinAsync(room.Id, sent.MessageId).ExpectAsync(HttpStatusCode.NoContent);
        var unpinned = await bobHub.NextUnpinAsync();
        Assert.Equal(new MessageUnpinnedEvent(room.Id, sent.MessageId, alice.Id), unpinned);
        Assert.Equal(unpinned, await carolHub.NextUnpinAsync());
        Assert.Empty(await bobHttp.PinsAsync(room.Id));
        Assert.False((await bobHttp.HistoryAsync(room.Id)).Single(m => m.Id == sent.MessageId).Pinned);
    }

    [Fact]
    public async Task Pinning_a_pinned_message_or_unpinning_an_unpinned_one_changes_nothing_and_tells_no_one()
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(Node);
        using var aliceHttp = Node.Http(alice.Token);
        await aliceHttp.ChangeRoleAsync(room.Id, carol.Id, "moderator").ExpectSuccessAsync();
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob, HubProtocol.Json);
        var sent = await aliceHub.SendTextAsync(room.Id, "pin me once");
        using var carolHttp = Node.Http(carol.Token);

        var first = await aliceHttp.PinAsync(room.Id, sent.MessageId).ReadAsync<PinDto>();
        var again = await carolHttp.PinAsync(room.Id, sent.MessageId).ReadAsync<PinDto>();
        await aliceHub.PinMessageAsync(room.Id, sent.MessageId);
        await aliceHttp.UnpinAsync(room.Id, sent.MessageId).ExpectAsync(HttpStatusCode.NoContent);
        await carolHttp.UnpinAsync(room.Id, sent.MessageId).ExpectAsync(HttpStatusCode.NoContent);
        await aliceHub.UnpinMessageAsync(room.Id, sent.MessageId);
        await bobHub.FlushAsync();

        Assert.Equal((alice.Id, first.PinnedAt), (again.PinnedBy, again.PinnedAt));
        Assert.Single(bobHub.DrainPins());
        Assert.Single(bobHub.DrainUnpins());
    }

    [Fact]
    public async Task Members_may_not_pin_or_unpin_and_outsiders_may_not_list_pins()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        var secret = await alice.CreateRoomAsync(Node, isPrivate: true, name: "secret");
        var outsider = await TestUser.RegisterAsync(Node, "outsider");
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        var sent = await aliceHub.SendTextAsync(room.Id, "moderators only");
        await aliceHub.PinMessageAsync(room.Id, sent.MessageId);
        using var bobHttp = Node.Http(bob.Token);
        using var outsiderHttp = Node.Http(outsider.Token);

        var pinOverHub = await Assert.ThrowsAsync<HubException>(() => bobHub.PinMessageAsync(room.Id, sent.MessageId));
        var unpinOverHub = await Assert.ThrowsAsync<HubException>(() => bobHub.UnpinMessageAsync(room.Id, sent.MessageId));
        using var pinOverRest = await bobHttp.PinAsync(room.Id, sent.MessageId);
        using var unpinOverRest = await bobHttp.UnpinAsync(room.Id, sent.MessageId);
        using var outsiderPin = await outsiderHttp.PinAsync(room.Id, sent.MessageId);
        using var outsiderList = await outsiderHttp.ListPinsAsync(room.Id);
        using var secretList = await outsiderHttp.ListPinsAsync(secret.Id);

        Assert.StartsWith("forbidden:", pinOverHub.Message);
        Assert.StartsWith("forbidden:", unpinOverHub.Message);
        await ProblemAssert.HasCodeAsync(pinOverRest, HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        await ProblemAssert.HasCodeAsync(unpinOverRest, HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        await ProblemAssert.HasCodeAsync(outsiderPin, HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        await ProblemAssert.HasCodeAsync(outsiderList, HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        await ProblemAssert.HasCodeAsync(secretList, HttpStatusCode.NotFound, ErrorCodes.NotFound);
        // Still pinned, and a member lists it.
        Assert.Equal(sent.MessageId, Assert.Single(await bobHttp.PinsAsync(room.Id)).Message.Id);
    }

    [Fact]
    public async Task Private_and_deleted_messages_cannot_be_pinned()
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(Node);
        using var aliceHttp = Node.Http(alice.Token);
        await aliceHttp.ChangeRoleAsync(room.Id, carol.Id, "moderator").ExpectSuccessAsync();
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var carolHub = await HubClient.ConnectAsync(Node, carol);
        var whisper = await aliceHub.SendPrivateAsync(room.Id, bob.Id, "between alice and bob");
        var deleted = await aliceHub.SendTextAsync(room.Id, "soon gone");
        await aliceHub.DeleteMessageAsync(room.Id, deleted.MessageId);

        var privateOverHub = await Assert.ThrowsAsync<HubException>(() => aliceHub.PinMessageAsync(room.Id, whisper.MessageId));
        using var privateOverRest = await aliceHttp.PinAsync(room.Id, whisper.MessageId);
        using var deletedOverRest = await aliceHttp.PinAsync(room.Id, deleted.MessageId);
        var deletedOverHub = await Assert.ThrowsAsync<HubException>(() => carolHub.PinMessageAsync(room.Id, deleted.MessageId));
        // Carol moderates, but another's private message does not exist for her.
        var othersPrivate = await Assert.ThrowsAsync<HubException>(() => carolHub.PinMessageAsync(room.Id, whisper.MessageId));
        var unknown = await Assert.ThrowsAsync<HubException>(() => carolHub.PinMessageAsync(room.Id, Guid.NewGuid()));

        Assert.StartsWith("invalid:", privateOverHub.Message);
        await ProblemAssert.HasCodeAsync(privateOverRest, HttpStatusCode.BadRequest, ErrorCodes.Invalid);
        await ProblemAssert.HasCodeAsync(deletedOverRest, HttpStatusCode.BadRequest, ErrorCodes.Invalid);
        Assert.StartsWith("invalid:", deletedOverHub.Message);
        Assert.StartsWith("not_found:", othersPrivate.Message);
        Assert.StartsWith("not_found:", unknown.Message);
        Assert.Empty(await aliceHttp.PinsAsync(room.Id));
    }

    [Fact]
    public async Task A_room_holds_at_most_50_pins_even_when_moderators_pin_at_once()
    {
        var (alice, _, carol, room) = await TestRooms.OfThreeAsync(Node);
        using var aliceHttp = Node.Http(alice.Token);
        await aliceHttp.ChangeRoleAsync(room.Id, carol.Id, "moderator").ExpectSuccessAsync();
        using var carolHttp = Node.Http(carol.Token);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        var sent = new List<Guid>();
        for (var i = 0; i < 55; i++)
        {
            sent.Add((await aliceHub.SendTextAsync(room.Id, $"message {i}")).MessageId);
        }

        for (var i = 0; i < 48; i++)
        {
            await aliceHttp.PinAsync(room.Id, sent[i]).ExpectSuccessAsync();
        }

        // Five pins for the last two places, from two moderators at once.
        var racing = Enumerable.Range(48, 5)
            .Select(i => (i % 2 == 0 ? aliceHttp : carolHttp).PinAsync(room.Id, sent[i]))
            .ToArray();
        var answers = await Task.WhenAll(racing);
        var codes = new List<string?>();
        foreach (var answer in answers.Where(a => !a.IsSuccessStatusCode))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, answer.StatusCode);
            codes.Add(await ProblemAssert.CodeOfAsync(answer));
        }

        Assert.Equal(2, answers.Count(a => a.IsSuccessStatusCode));
        Assert.Equal([ErrorCodes.Limit, ErrorCodes.Limit, ErrorCodes.Limit], codes);
        Assert.Equal(50, (await aliceHttp.PinsAsync(room.Id)).Length);
        Assert.Equal(50, (await aliceHttp.RoomAsync(room.Id)).PinnedCount);
        var overHub = await Assert.ThrowsAsync<HubException>(() => aliceHub.PinMessageAsync(room.Id, sent[54]));
        Assert.StartsWith("limit:", overHub.Message);

        // A place freed is a place to pin again.
        await aliceHttp.UnpinAsync(room.Id, sent[0]).ExpectAsync(HttpStatusCode.NoContent);
        await aliceHttp.PinAsync(room.Id, sent[54]).ExpectSuccessAsync();
        Assert.Equal(50, (await aliceHttp.RoomAsync(room.Id)).PinnedCount);
        foreach (var answer in answers)
        {
            answer.Dispose();
        }
    }

    [Fact]
    public async Task Deleting_a_pinned_message_unpins_it_and_the_room_hears_who_deleted_it()
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(Node);
        using var aliceHttp = Node.Http(alice.Token);
        await aliceHttp.ChangeRoleAsync(room.Id, carol.Id, "moderator").ExpectSuccessAsync();
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice, HubProtocol.Json);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        await using var carolHub = await HubClient.ConnectAsync(Node, carol);
        var bobs = await bobHub.SendTextAsync(room.Id, "bob's pinned words");
        var alices = await aliceHub.SendTextAsync(room.Id, "alice's pinned words");
        await aliceHub.PinMessageAsync(room.Id, bobs.MessageId);
        await aliceHub.PinMessageAsync(room.Id, alices.MessageId);

        await bobHub.DeleteMessageAsync(room.Id, bobs.MessageId);
        await carolHub.DeleteMessageAsync(room.Id, alices.MessageId);

        foreach (var listener in new[] { aliceHub, bobHub })
        {
            Assert.Equal(bobs.MessageId, (await listener.NextDeletionAsync()).MessageId);
            Assert.Equal(new MessageUnpinnedEvent(room.Id, bobs.MessageId, bob.Id), await listener.NextUnpinAsync());
            Assert.Equal(alices.MessageId, (await listener.NextDeletionAsync()).MessageId);
            Assert.Equal(new MessageUnpinnedEvent(room.Id, alices.MessageId, carol.Id), await listener.NextUnpinAsync());
        }

        Assert.Empty(await aliceHttp.PinsAsync(room.Id));
        Assert.Equal(0, (await aliceHttp.RoomAsync(room.Id)).PinnedCount);
        var history = await aliceHttp.HistoryAsync(room.Id);
        Assert.All(history.Where(m => m.Id == bobs.MessageId || m.Id == alices.MessageId), m => Assert.Equal((true, false), (m.Deleted, m.Pinned)));

        // Deleting a message that is not pinned unpins nothing.
        var plain = await aliceHub.SendTextAsync(room.Id, "never pinned");
        await aliceHub.DeleteMessageAsync(room.Id, plain.MessageId);
        Assert.Equal(plain.MessageId, (await bobHub.NextDeletionAsync()).MessageId);
        await bobHub.FlushAsync();
        Assert.Empty(bobHub.DrainUnpins());
    }

    [Fact]
    public async Task Rooms_and_messages_say_what_is_pinned_wherever_they_are_read()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        var pinned = await aliceHub.SendTextAsync(room.Id, "pinned tangerine");
        var plain = await aliceHub.SendTextAsync(room.Id, "plain tangerine");
        await aliceHub.PinMessageAsync(room.Id, pinned.MessageId);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob, HubProtocol.Json);
        using var bobHttp = Node.Http(bob.Token);

        var snapshot = await bobHub.JoinRoomAsync(room.Id);
        var rooms = await bobHttp.RoomsAsync();
        var one = await bobHttp.RoomAsync(room.Id);
        var restHistory = await bobHttp.HistoryAsync(room.Id);
        var hubHistory = await bobHub.GetHistoryAsync(room.Id);
        var synced = (await bobHub.SyncAsync(room.Id, 0)).Rooms[0].Messages;
        var found = (await bobHttp.SearchPageAsync(room.Id, "tangerine")).Hits.Select(h => h.Message).ToArray();
        await aliceHub.EditMessageAsync(room.Id, pinned.MessageId, "pinned tangerine, edited");
        var edited = await bobHub.NextUpdateAsync();

        Assert.Equal(1, snapshot.Room.PinnedCount);
        Assert.Equal(1, Assert.Single(rooms, r => r.Id == room.Id).PinnedCount);
        Assert.Equal(1, one.PinnedCount);
        foreach (var messages in new[] { snapshot.Recent, restHistory, hubHistory, synced, found })
        {
            Assert.True(messages.Single(m => m.Id == pinned.MessageId).Pinned);
            Assert.False(messages.Single(m => m.Id == plain.MessageId).Pinned);
        }

        Assert.True(edited.Pinned);
        using var aliceHttp = Node.Http(alice.Token);
        var other = await alice.CreateRoomAsync(Node, name: "nothing pinned");
        Assert.Equal(0, other.PinnedCount);
        Assert.Equal(0, (await aliceHttp.RoomAsync(other.Id)).PinnedCount);
    }

    [Fact]
    public async Task The_pins_come_latest_pin_first_without_the_messages_of_blocked_users()
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        var first = await aliceHub.SendTextAsync(room.Id, "first");
        var second = await bobHub.SendTextAsync(room.Id, "second");
        var third = await aliceHub.SendTextAsync(room.Id, "third");
        await aliceHub.PinMessageAsync(room.Id, second.MessageId);
        await aliceHub.PinMessageAsync(room.Id, third.MessageId);
        await aliceHub.PinMessageAsync(room.Id, first.MessageId);
        using var carolHttp = Node.Http(carol.Token);

        var pins = await carolHttp.PinsAsync(room.Id);
        await carolHttp.BlockAsync(bob.Id).ExpectSuccessAsync();
        var blocking = await carolHttp.PinsAsync(room.Id);

        Assert.Equal([first.MessageId, third.MessageId, second.MessageId], pins.Select(p => p.Message.Id));
        Assert.True(pins[0].PinnedAt >= pins[1].PinnedAt && pins[1].PinnedAt >= pins[2].PinnedAt);
        Assert.Equal([first.MessageId, third.MessageId], blocking.Select(p => p.Message.Id));
    }

    [Fact]
    public async Task Whoever_blocked_the_sender_or_the_pinner_does_not_hear_the_pin()
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        await using var carolHub = await HubClient.ConnectAsync(Node, carol);
        using var carolHttp = Node.Http(carol.Token);
        await carolHttp.BlockAsync(bob.Id).ExpectSuccessAsync();
        var bobs = await bobHub.SendTextAsync(room.Id, "from bob");
        var alices = await aliceHub.SendTextAsync(room.Id, "from alice");

        await aliceHub.PinMessageAsync(room.Id, bobs.MessageId);
        await aliceHub.PinMessageAsync(room.Id, alices.MessageId);
        await aliceHub.UnpinMessageAsync(room.Id, bobs.MessageId);

        Assert.Equal(alices.MessageId, (await carolHub.NextPinAsync()).Message.Id);
        await carolHub.FlushAsync();
        Assert.Empty(carolHub.DrainPins());
        Assert.Empty(carolHub.DrainUnpins());
        Assert.Equal(bobs.MessageId, (await bobHub.NextPinAsync()).Message.Id);
        Assert.Equal(bobs.MessageId, (await bobHub.NextUnpinAsync()).MessageId);
    }

    [Fact]
    public async Task Retention_takes_pinned_messages_along_and_pinning_goes_on()
    {
        var admin = await TestUser.RegisterAsync(Node, "admin");
        var room = await admin.CreateRoomAsync(Node, settings: new RoomSettings(RetentionDays: 1));
        await using var hub = await HubClient.ConnectAsync(Node, admin);
        var old = await hub.SendTextAsync(room.Id, "old and pinned");
        await hub.PinMessageAsync(room.Id, old.MessageId);
        var sentAt = await fixture.ScalarAsync<DateTime>("select sent_at from messages where id = @id", ("id", old.MessageId));
        var retention = new MessageRetention(
            Node.Services.GetRequiredService<MessageRetentionRepository>(),
            Node.Services.GetRequiredService<AttachmentRepository>(),
            Node.Services.GetRequiredService<RefreshTokenRepository>(),
            Options.Create(new RetentionOptions()),
            new FakeTimeProvider(new DateTimeOffset(sentAt.AddDays(2), TimeSpan.Zero)),
            NullLogger<MessageRetention>.Instance);

        await retention.PurgeOnceAsync();
        using var http = Node.Http(admin.Token);

        Assert.Empty(await http.PinsAsync(room.Id));
        Assert.Equal(0, (await http.RoomAsync(room.Id)).PinnedCount);
        var fresh = await hub.SendTextAsync(room.Id, "fresh");
        var pin = await http.PinAsync(room.Id, fresh.MessageId).ReadAsync<PinDto>();
        Assert.Equal(fresh.MessageId, pin.Message.Id);
        Assert.Equal(1, (await http.RoomAsync(room.Id)).PinnedCount);
    }

    /// <summary>One node whose users may send and pin far more than a person would, for tests that fill a room's pins.</summary>
    public sealed class PinsNodeFixture() : NodeFixture(new Dictionary<string, string?>
    {
        ["RateLimits:MessagesPerWindow"] = "500",
        ["RateLimits:Edits:Permits"] = "500",
        ["RateLimits:Edits:WindowSeconds"] = "10",
    });
}
