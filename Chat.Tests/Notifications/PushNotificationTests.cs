using System.Diagnostics;
using System.Net;
using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Notifications;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Tests.Notifications;

/// <summary>
/// Offline notifications end to end: two nodes on one Redis push to a push service stand-in,
/// which checks each push's VAPID token and decrypts it as the subscribed browser would.
/// </summary>
public sealed class PushNotificationTests(PushClusterFixture cluster) : IClassFixture<PushClusterFixture>
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(PushClusterFixture.WindowSeconds);

    private ChatNode NodeA => cluster.NodeA;

    private ChatNode NodeB => cluster.NodeB;

    [Fact]
    public async Task An_offline_user_gets_a_push_for_a_private_message_that_only_their_browser_can_read()
    {
        await using var service = await FakePushService.StartAsync();
        var (alice, bob, room) = await TestRooms.OfTwoAsync(NodeA);
        var browser = service.Subscribe();
        using var bobHttp = NodeB.Http(bob.Token);
        await bobHttp.SubscribeAsync(browser);
        var publicKey = await bobHttp.PublicKeyAsync().ReadAsync<PushPublicKeyDto>();
        await using var aliceHub = await HubClient.ConnectAsync(NodeA, alice);

        var sent = await aliceHub.SendPrivateAsync(room.Id, bob.Id, "are you coming tonight?");
        var push = await browser.NextAsync();

        Assert.Equal(new PushPayload(room.Id, "room", 1, "private", sent.MessageId, "alice", "are you coming tonight?"), push.Payload);
        Assert.Equal(cluster.PublicKey, publicKey.PublicKey);
        Assert.Equal(cluster.PublicKey, push.VapidKey);
        Assert.Equal("86400", push.Ttl);
        Assert.Equal("high", push.Urgency);
        Assert.Equal(PushApi.Base64Url(room.Id.ToByteArray()), push.Topic);
    }

    [Fact]
    public async Task A_private_message_a_service_streams_is_pushed_once_it_is_whole()
    {
        await using var service = await FakePushService.StartAsync();
        var (alice, bob, room) = await TestRooms.OfTwoAsync(NodeA);
        var browser = service.Subscribe();
        using var bobHttp = NodeA.Http(bob.Token);
        await bobHttp.SubscribeAsync(browser);
        await using var aliceHub = await HubClient.ConnectAsync(NodeB, alice);

        var ack = await aliceHub.Connection.InvokeAsync<MessageAck>(
            nameof(IChatHub.StreamMessage),
            new StreamMessageRequest(room.Id.ToString(), Guid.NewGuid().ToString(), ToUserId: bob.Id.ToString()),
            Parts("Your order ", "has shipped."));
        var push = await browser.NextAsync();

        Assert.Equal((ack.MessageId, "private", "Your order has shipped."), (push.Payload.MessageId, push.Payload.Kind, push.Payload.Preview));
    }

    [Fact]
    public async Task A_long_message_is_previewed_in_its_first_120_characters()
    {
        await using var service = await FakePushService.StartAsync();
        var (alice, bob, room) = await TestRooms.OfTwoAsync(NodeA);
        var browser = service.Subscribe();
        using var bobHttp = NodeA.Http(bob.Token);
        await bobHttp.SubscribeAsync(browser);
        await using var aliceHub = await HubClient.ConnectAsync(NodeA, alice);

        await aliceHub.SendPrivateAsync(room.Id, bob.Id, string.Concat(Enumerable.Repeat("word\n", 100)));
        var preview = (await browser.NextAsync()).Payload.Preview;

        Assert.Equal(120, preview.Length);
        Assert.StartsWith("word word word", preview, StringComparison.Ordinal);
        Assert.EndsWith("…", preview, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_connected_to_the_other_node_gets_no_push_until_they_are_offline()
    {
        await using var service = await FakePushService.StartAsync();
        var (alice, bob, room) = await TestRooms.OfTwoAsync(NodeA);
        var browser = service.Subscribe();
        using var bobHttp = NodeA.Http(bob.Token);
        await bobHttp.SubscribeAsync(browser);
        await using var aliceHub = await HubClient.ConnectAsync(NodeA, alice);
        var witness = await WitnessAsync(service, room);
        var bobOnB = await HubClient.ConnectAsync(NodeB, bob);

        var whileOnline = await aliceHub.SendPrivateAsync(room.Id, bob.Id, "you there?");
        Assert.Equal(whileOnline.MessageId, (await bobOnB.NextMessageAsync(MessageType.Text)).Id);
        await DecidedAsync(aliceHub, room, witness);
        await bobOnB.DisposeAsync();
        await WaitOfflineAsync(bobHttp, bob);
        var whileAway = await aliceHub.SendPrivateAsync(room.Id, bob.Id, "call me back");

        // Had the first message been pushed, it would be the first push, and the second one
        // would wait for the window that push opened.
        var push = await browser.NextAsync();
        Assert.Equal((whileAway.MessageId, 1), (push.Payload.MessageId, push.Payload.Count));
    }

    [Fact]
    public async Task A_user_who_went_away_in_do_not_disturb_gets_no_push()
    {
        await using var service = await FakePushService.StartAsync();
        var (alice, bob, room) = await TestRooms.OfTwoAsync(NodeA);
        var browser = service.Subscribe();
        using var bobHttp = NodeA.Http(bob.Token);
        await bobHttp.SubscribeAsync(browser);
        await using var aliceHub = await HubClient.ConnectAsync(NodeA, alice);
        var witness = await WitnessAsync(service, room);
        await using (var bobHub = await HubClient.ConnectAsync(NodeB, bob))
        {
            await bobHub.SetPresenceAsync("dnd");
        }

        await WaitOfflineAsync(bobHttp, bob);
        await aliceHub.SendPrivateAsync(room.Id, bob.Id, "not now");
        await DecidedAsync(aliceHub, room, witness);
        await using (var bobHub = await HubClient.ConnectAsync(NodeB, bob))
        {
            await bobHub.SetPresenceAsync("online");
        }

        await WaitOfflineAsync(bobHttp, bob);
        var afterDnd = await aliceHub.SendPrivateAsync(room.Id, bob.Id, "now then");

        var push = await browser.NextAsync();
        Assert.Equal((afterDnd.MessageId, 1), (push.Payload.MessageId, push.Payload.Count));
    }

    [Fact]
    public async Task A_room_whose_notifications_the_user_muted_pushes_nothing()
    {
        await using var service = await FakePushService.StartAsync();
        var (alice, bob, room) = await TestRooms.OfTwoAsync(NodeA);
        var browser = service.Subscribe();
        using var bobHttp = NodeB.Http(bob.Token);
        await bobHttp.SubscribeAsync(browser);
        await using var aliceHub = await HubClient.ConnectAsync(NodeA, alice);
        var witness = await WitnessAsync(service, room);

        await bobHttp.SetNotificationsMutedAsync(room.Id, muted: true).ExpectAsync(HttpStatusCode.NoContent);
        await aliceHub.SendPrivateAsync(room.Id, bob.Id, "muted");
        await DecidedAsync(aliceHub, room, witness);
        await bobHttp.SetNotificationsMutedAsync(room.Id, muted: false).ExpectAsync(HttpStatusCode.NoContent);
        var unmuted = await aliceHub.SendPrivateAsync(room.Id, bob.Id, "unmuted");

        var push = await browser.NextAsync();
        Assert.Equal((unmuted.MessageId, 1), (push.Payload.MessageId, push.Payload.Count));
    }

    [Fact]
    public async Task Nobody_who_blocked_the_sender_is_notified()
    {
        await using var service = await FakePushService.StartAsync();
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(NodeA);
        var bobBrowser = service.Subscribe();
        var carolBrowser = service.Subscribe();
        using var bobHttp = NodeA.Http(bob.Token);
        using var carolHttp = NodeA.Http(carol.Token);
        await bobHttp.SubscribeAsync(bobBrowser);
        await carolHttp.SubscribeAsync(carolBrowser);
        await bobHttp.BlockAsync(alice.Id).ExpectSuccessAsync();
        await using var aliceHub = await HubClient.ConnectAsync(NodeA, alice);

        // A private message to someone who blocked you is refused outright...
        var refused = await Assert.ThrowsAsync<HubException>(() => aliceHub.SendPrivateAsync(room.Id, bob.Id, "hello?"));
        Assert.StartsWith("forbidden:", refused.Message, StringComparison.Ordinal);
        // ...and a message that mentions both of them reaches carol only.
        var mention = await aliceHub.SendTextAsync(room.Id, $"@{bob.Profile.UserName} @{carol.Profile.UserName} lunch?");
        var atCarol = await carolBrowser.NextAsync();
        await bobHttp.UnblockAsync(alice.Id).ExpectSuccessAsync();
        var later = await aliceHub.SendTextAsync(room.Id, $"@{bob.Profile.UserName} sorry");

        Assert.Equal((mention.MessageId, "mention"), (atCarol.Payload.MessageId, atCarol.Payload.Kind));
        var atBob = await bobBrowser.NextAsync();
        Assert.Equal((later.MessageId, "mention", 1), (atBob.Payload.MessageId, atBob.Payload.Kind, atBob.Payload.Count));
    }

    [Fact]
    public async Task Messages_within_a_window_come_as_one_push_that_counts_them_whichever_node_they_arrive_on()
    {
        await using var service = await FakePushService.StartAsync();
        var (alice, bob, room) = await TestRooms.OfTwoAsync(NodeA);
        var browser = service.Subscribe();
        using var bobHttp = NodeA.Http(bob.Token);
        await bobHttp.SubscribeAsync(browser);
        await using var aliceOnA = await HubClient.ConnectAsync(NodeA, alice);
        await using var aliceOnB = await HubClient.ConnectAsync(NodeB, alice);

        var acks = new List<MessageAck>();
        for (var i = 1; i <= 5; i++)
        {
            acks.Add(await (i % 2 == 1 ? aliceOnA : aliceOnB).SendPrivateAsync(room.Id, bob.Id, $"message {i}"));
        }

        var first = await browser.NextAsync();
        var second = await browser.NextAsync(Window * 3);

        Assert.Equal((acks[0].MessageId, 1, "message 1"), (first.Payload.MessageId, first.Payload.Count, first.Payload.Preview));
        Assert.Equal((acks[4].MessageId, 4, "message 5"), (second.Payload.MessageId, second.Payload.Count, second.Payload.Preview));
        // The window the second push opened ends with nothing in it: no third push.
        await Task.Delay(Window * 1.5);
        Assert.Empty(browser.Drain());
    }

    [Fact]
    public async Task A_message_after_a_quiet_window_is_pushed_at_once()
    {
        await using var service = await FakePushService.StartAsync();
        var (alice, bob, room) = await TestRooms.OfTwoAsync(NodeA);
        var browser = service.Subscribe();
        using var bobHttp = NodeA.Http(bob.Token);
        await bobHttp.SubscribeAsync(browser);
        await using var aliceHub = await HubClient.ConnectAsync(NodeA, alice);

        await aliceHub.SendPrivateAsync(room.Id, bob.Id, "first");
        await browser.NextAsync();
        await Task.Delay(Window * 1.5);
        var clock = Stopwatch.StartNew();
        var again = await aliceHub.SendPrivateAsync(room.Id, bob.Id, "again");
        var push = await browser.NextAsync();

        Assert.Equal((again.MessageId, 1), (push.Payload.MessageId, push.Payload.Count));
        Assert.True(clock.Elapsed < Window, $"pushed {clock.Elapsed} after the send: it waited for a window");
    }

    [Fact]
    public async Task A_subscription_its_push_service_says_is_gone_is_removed_and_never_tried_again()
    {
        await using var service = await FakePushService.StartAsync();
        var (alice, bob, room) = await TestRooms.OfTwoAsync(NodeA);
        var gone = service.Subscribe();
        var phone = service.Subscribe();
        gone.AnswerAlways(StatusCodes.Status410Gone);
        using var bobHttp = NodeA.Http(bob.Token);
        await bobHttp.SubscribeAsync(gone);
        await bobHttp.SubscribeAsync(phone);
        await using var aliceHub = await HubClient.ConnectAsync(NodeA, alice);

        await aliceHub.SendPrivateAsync(room.Id, bob.Id, "one");
        await phone.NextAsync();
        await Poll.UntilAsync(async () => await SubscriptionsOfAsync(bob) == 1, TimeSpan.FromSeconds(10), "the gone subscription is removed");
        var next = await aliceHub.SendPrivateAsync(room.Id, bob.Id, "two");
        var push = await phone.NextAsync(Window * 3);

        Assert.Equal((next.MessageId, 1), (push.Payload.MessageId, push.Payload.Count));
        Assert.Equal(1, gone.Attempts);
    }

    [Fact]
    public async Task Removing_a_subscription_stops_its_pushes()
    {
        await using var service = await FakePushService.StartAsync();
        var (alice, bob, room) = await TestRooms.OfTwoAsync(NodeA);
        var laptop = service.Subscribe();
        var phone = service.Subscribe();
        using var bobHttp = NodeB.Http(bob.Token);
        await bobHttp.SubscribeAsync(laptop);
        await bobHttp.SubscribeAsync(phone);
        await using var aliceHub = await HubClient.ConnectAsync(NodeA, alice);

        await bobHttp.UnsubscribeAsync(laptop.Endpoint).ExpectAsync(HttpStatusCode.NoContent);
        // Removing it again changes nothing, and says so the same way.
        await bobHttp.UnsubscribeAsync(laptop.Endpoint).ExpectAsync(HttpStatusCode.NoContent);
        var sent = await aliceHub.SendPrivateAsync(room.Id, bob.Id, "hello phone");
        var push = await phone.NextAsync();

        Assert.Equal(sent.MessageId, push.Payload.MessageId);
        // Both pushes would have left together: the phone's arrival means the laptop's is not coming.
        await Task.Delay(500);
        Assert.Equal(0, laptop.Attempts);
    }

    [Fact]
    public async Task A_push_service_that_fails_is_tried_again_a_few_times_then_given_up()
    {
        await using var service = await FakePushService.StartAsync();
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(NodeA);
        var flaky = service.Subscribe();
        var broken = service.Subscribe();
        flaky.AnswerNext(StatusCodes.Status503ServiceUnavailable, StatusCodes.Status429TooManyRequests);
        broken.AnswerAlways(StatusCodes.Status500InternalServerError);
        using (var bobHttp = NodeA.Http(bob.Token))
        {
            await bobHttp.SubscribeAsync(flaky);
        }

        using (var carolHttp = NodeA.Http(carol.Token))
        {
            await carolHttp.SubscribeAsync(broken);
        }

        await using var aliceHub = await HubClient.ConnectAsync(NodeA, alice);

        var toBob = await aliceHub.SendPrivateAsync(room.Id, bob.Id, "third time lucky");
        await aliceHub.SendPrivateAsync(room.Id, carol.Id, "never arrives");
        var push = await flaky.NextAsync();

        Assert.Equal(toBob.MessageId, push.Payload.MessageId);
        Assert.Equal(3, flaky.Attempts);
        // The first try and two retries (Push:MaxRetries), 100 and 200 ms apart, then no more.
        await Poll.UntilAsync(() => broken.Attempts == 3, TimeSpan.FromSeconds(10), "the broken service is tried three times");
        await Task.Delay(1000);
        Assert.Equal(3, broken.Attempts);
        Assert.Equal(1, await SubscriptionsOfAsync(carol));
    }

    [Fact]
    public async Task Sends_and_other_push_services_carry_on_while_one_push_service_hangs()
    {
        await using var hanging = await FakePushService.StartAsync();
        await using var working = await FakePushService.StartAsync();
        var alice = await TestUser.RegisterAsync(NodeA, "alice");
        var room = await alice.CreateRoomAsync(NodeA);
        var away = new List<TestUser>();
        for (var i = 0; i < 12; i++)
        {
            var user = await TestUser.RegisterAsync(NodeA, "away");
            await user.JoinAsync(NodeA, room.Id);
            var browser = hanging.Subscribe();
            browser.Hang();
            using var http = NodeA.Http(user.Token);
            await http.SubscribeAsync(browser);
            away.Add(user);
        }

        var carol = await TestUser.RegisterAsync(NodeA, "carol");
        await carol.JoinAsync(NodeA, room.Id);
        var carolBrowser = working.Subscribe();
        using (var carolHttp = NodeA.Http(carol.Token))
        {
            await carolHttp.SubscribeAsync(carolBrowser);
        }

        await using var aliceHub = await HubClient.ConnectAsync(NodeA, alice);

        foreach (var user in away)
        {
            await aliceHub.SendPrivateAsync(room.Id, user.Id, "ping");
        }

        await Poll.UntilAsync(() => hanging.Hanging > 0, TimeSpan.FromSeconds(10), "the pushes reach the hanging service");
        var toCarol = await aliceHub.SendPrivateAsync(room.Id, carol.Id, "ping");
        var push = await carolBrowser.NextAsync();

        // Every send was answered, and carol's push delivered, while the hanging service still held pushes.
        Assert.Equal(toCarol.MessageId, push.Payload.MessageId);
        Assert.True(hanging.Hanging > 0, "the hanging service's pushes were given up before the sends came back");
    }

    [Fact]
    public async Task A_mention_by_name_pushes_the_mentioned_member_but_a_mention_of_the_whole_room_pushes_nobody()
    {
        await using var service = await FakePushService.StartAsync();
        var (alice, bob, room) = await TestRooms.OfTwoAsync(NodeA);
        var browser = service.Subscribe();
        using var bobHttp = NodeB.Http(bob.Token);
        await bobHttp.SubscribeAsync(browser);
        await using var aliceHub = await HubClient.ConnectAsync(NodeA, alice);
        var witness = await WitnessAsync(service, room);

        // alice made the room, so her @room is a real one: it counts for bob, but is not pushed.
        await aliceHub.SendTextAsync(room.Id, "@room the build is green");
        await DecidedAsync(aliceHub, room, witness);
        var mention = await aliceHub.SendTextAsync(room.Id, $"thanks @{bob.Profile.UserName.ToUpperInvariant()}!");

        var push = await browser.NextAsync();
        Assert.Equal((mention.MessageId, "mention", 1, "thanks @" + bob.Profile.UserName.ToUpperInvariant() + "!"),
            (push.Payload.MessageId, push.Payload.Kind, push.Payload.Count, push.Payload.Preview));
    }

    [Fact]
    public async Task A_reply_in_a_thread_pushes_its_participants_who_are_away_and_no_other_member()
    {
        await using var service = await FakePushService.StartAsync();
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(NodeA);
        var bobBrowser = service.Subscribe();
        var carolBrowser = service.Subscribe();
        using var bobHttp = NodeA.Http(bob.Token);
        using var carolHttp = NodeA.Http(carol.Token);
        await bobHttp.SubscribeAsync(bobBrowser);
        await carolHttp.SubscribeAsync(carolBrowser);
        MessageAck root;
        await using (var bobHub = await HubClient.ConnectAsync(NodeB, bob))
        {
            root = await bobHub.SendTextAsync(room.Id, "who can review my change?");
        }

        await WaitOfflineAsync(bobHttp, bob);
        await using var aliceHub = await HubClient.ConnectAsync(NodeA, alice);

        var reply = await aliceHub.SendThreadReplyAsync(room.Id, root.MessageId, "I will, after lunch");
        var atBob = await bobBrowser.NextAsync();
        // carol takes no part in the thread: the next push she gets is the private one after it.
        var toCarol = await aliceHub.SendPrivateAsync(room.Id, carol.Id, "and you?");

        Assert.Equal((reply.MessageId, "thread", "I will, after lunch"), (atBob.Payload.MessageId, atBob.Payload.Kind, atBob.Payload.Preview));
        Assert.Equal(toCarol.MessageId, (await carolBrowser.NextAsync()).Payload.MessageId);
    }

    /// <summary>An offline member of the room with a browser subscribed: see <see cref="DecidedAsync"/>.</summary>
    private async Task<(TestUser User, FakeBrowser Browser)> WitnessAsync(FakePushService service, RoomDto room)
    {
        var witness = await TestUser.RegisterAsync(NodeA, "witness");
        await witness.JoinAsync(NodeA, room.Id);
        var browser = service.Subscribe();
        using var http = NodeA.Http(witness.Token);
        await http.SubscribeAsync(browser);
        return (witness, browser);
    }

    /// <summary>
    /// Returns once the node of <paramref name="sender"/> has decided on every message sent
    /// through it so far: a node decides one message after another, so when a private message to
    /// the witness is pushed, what came before it was decided.
    /// </summary>
    private static async Task DecidedAsync(HubClient sender, RoomDto room, (TestUser User, FakeBrowser Browser) witness)
    {
        var marker = await sender.SendPrivateAsync(room.Id, witness.User.Id, "marker");
        while ((await witness.Browser.NextAsync(Window * 3)).Payload.MessageId != marker.MessageId)
        {
        }
    }

    private static async IAsyncEnumerable<StreamPart> Parts(params string[] texts)
    {
        foreach (var text in texts)
        {
            await Task.Yield();
            yield return new StreamPart(PartKinds.TextDelta, Text: text);
        }
    }

    private static async Task WaitOfflineAsync(HttpClient http, TestUser user) =>
        await Poll.UntilAsync(
            async () => (await http.ProfileAsync(user.Id)).Status == PresenceStatus.Offline, TimeSpan.FromSeconds(15), $"{user.Profile.UserName} is offline");

    private async Task<long> SubscriptionsOfAsync(TestUser user) =>
        await cluster.ScalarAsync<long>("select count(*) from push_subscriptions where user_id = @UserId", ("UserId", user.Id));
}
