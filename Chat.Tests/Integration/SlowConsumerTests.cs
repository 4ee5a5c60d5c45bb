using Chat.Bench.Load;
using Chat.Client;
using Chat.Contracts;
using Chat.Hubs.Outgoing;
using Chat.Tests.Client;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Integration;

/// <summary>
/// Members whose clients do not take their data, on one node: while the room is sent far more
/// than they take, everyone else is acked and served promptly, and the node cuts them off; a
/// client cut off this way catches up with <c>Sync</c> and misses nothing.
/// </summary>
public sealed class SlowConsumerTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private static readonly TimeSpan CutOffWithin = TimeSpan.FromSeconds(20);

    private ChatNode Node => fixture.Node;

    private Task<double> UnacknowledgedCutOffsAsync() =>
        PrometheusText.CounterAsync(Node, "chat_connections_cut_off", $"reason=\"{CutOffReason.Unacknowledged}\"");

    [Theory]
    [InlineData(StuckKind.StopsReading)]
    [InlineData(StuckKind.NeverAcknowledges)]
    public async Task A_member_that_does_not_take_its_data_holds_up_no_one_and_is_cut_off(StuckKind kind)
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(Node);
        var dave = await TestUser.RegisterAsync(Node, "dave");
        await dave.JoinAsync(Node, room.Id);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);
        await using var carolHub = await HubClient.ConnectAsync(Node, carol, HubProtocol.Json);
        var cutOffBefore = await PrometheusText.CounterAsync(Node, "chat_connections_cut_off");
        await using var daveStuck = await RawHubConnection.StuckInRoomAsync(Node.Address, dave.Token, room.Id, kind);

        await RoomFlood.SendAsync(aliceHub, room.Id, ("bob", bobHub), ("carol", carolHub));

        await Poll.UntilAsync(
            async () => await PrometheusText.CounterAsync(Node, "chat_connections_cut_off") > cutOffBefore,
            CutOffWithin,
            "the node counts dave's connection as cut off");
        await SlowConsumerAssert.GoesOfflineAsync(bobHub, dave.Id, CutOffWithin);
        if (kind == StuckKind.NeverAcknowledges)
        {
            await daveStuck.WaitUntilClosedAsync(CutOffWithin);
            Assert.True(daveStuck.ClosedByServer);
        }
    }

    [Fact]
    public async Task A_stateful_member_that_never_acknowledges_is_cut_off_in_a_quiet_room_while_one_that_does_stays()
    {
        var (alice, bob, dave, room) = await TestRooms.OfThreeAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        // Bob's client uses stateful reconnect too, and acknowledges as clients do.
        await using var bobClient = await ClientFactory.ConnectAsync(Node.Address, bob);
        var bobReconnects = 0;
        bobClient.Reconnecting += _ =>
        {
            Interlocked.Increment(ref bobReconnects);
            return Task.CompletedTask;
        };
        await bobClient.JoinRoomAsync(room.Id);
        var unacknowledgedBefore = await UnacknowledgedCutOffsAsync();
        await using var daveStuck = await RawHubConnection.StuckInRoomAsync(Node.Address, dave.Token, room.Id, StuckKind.NeverAcknowledges);

        // A few small messages: nowhere near any byte bound, only time passes.
        for (var i = 0; i < 3; i++)
        {
            await aliceHub.SendTextAsync(room.Id, $"quiet {i}");
        }

        await daveStuck.WaitUntilClosedAsync(CutOffWithin);
        Assert.True(daveStuck.ClosedByServer);
        Assert.Equal(unacknowledgedBefore + 1, await UnacknowledgedCutOffsAsync());
        Assert.Equal(HubConnectionState.Connected, bobClient.State);
        Assert.Equal(0, bobReconnects);
    }

    [Fact]
    public async Task A_chat_client_that_stops_taking_its_data_is_cut_off_and_then_gets_every_message_it_missed()
    {
        var (alice, dave, room) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var daveClient = new ChatClient(ClientFactory.Options(Node.Address, dave.Token));
        // Dave's app stops at the first message, as a frozen UI would: the client runs event
        // handlers on its receive loop, so it reads and acknowledges nothing more meanwhile.
        var frozen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var raised = new List<MessageDto>();
        daveClient.MessageReceived += async message =>
        {
            lock (raised)
            {
                raised.Add(message);
            }

            await frozen.Task;
        };
        var recovered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        daveClient.Recovered += () =>
        {
            recovered.TrySetResult();
            return Task.CompletedTask;
        };
        await daveClient.StartAsync();
        await daveClient.JoinRoomAsync(room.Id);
        var cutOffBefore = await PrometheusText.CounterAsync(Node, "chat_connections_cut_off");

        var sent = await RoomFlood.SendAsync(aliceHub, room.Id);
        await Poll.UntilAsync(
            async () => await PrometheusText.CounterAsync(Node, "chat_connections_cut_off") > cutOffBefore,
            CutOffWithin,
            "the node counts dave's connection as cut off");
        frozen.SetResult();

        await recovered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        List<MessageDto> texts = [];
        await Poll.UntilAsync(
            () =>
            {
                lock (raised)
                {
                    texts = [.. raised.Where(m => m.Type == MessageType.Text)];
                }

                return texts.Count >= sent.Count;
            },
            TimeSpan.FromSeconds(30),
            "dave's client raises every message sent while it was stuck");
        // Each once; live ones in the order they came, which for messages stored together need not be seq order.
        Assert.Equal(sent.Select(a => a.MessageId), texts.OrderBy(m => m.Seq).Select(m => m.Id));
    }
}
