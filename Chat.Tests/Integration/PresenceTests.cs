using Chat.Contracts;
using Chat.Hubs.Connections;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Tests.Integration;

public sealed class PresenceTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private ChatNode Node => fixture.Node;

    private UserConnections Connections => Node.Services.GetRequiredService<UserConnections>();

    [Fact]
    public async Task Only_the_last_connection_closing_makes_a_user_offline_and_reconnecting_brings_him_back()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        using var http = Node.Http(alice.Token);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var bobLaptop = await HubClient.ConnectAsync(Node, bob);
        Assert.Equal(PresenceStatus.Online, (await aliceHub.NextPresenceAsync(bob.Id)).Status);
        await using var bobPhone = await HubClient.ConnectAsync(Node, bob, HubProtocol.Json);

        await bobPhone.DisposeAsync();
        await Poll.UntilAsync(() => Connections.Count(bob.Id) == 1, Deadline, "the server sees bob's phone closed");
        Assert.Equal(PresenceStatus.Online, (await http.ProfileAsync(bob.Id)).Status);

        var lastCloseStarted = DateTime.UtcNow.AddMilliseconds(-1);
        await bobLaptop.DisposeAsync();
        var offline = await aliceHub.NextPresenceAsync(bob.Id);
        Assert.Equal(PresenceStatus.Offline, offline.Status);
        Assert.NotNull(offline.LastSeenAt);
        Assert.InRange(offline.LastSeenAt.Value, lastCloseStarted, DateTime.UtcNow);
        var profile = await http.ProfileAsync(bob.Id);
        Assert.Equal(PresenceStatus.Offline, profile.Status);
        Assert.Equal(offline.LastSeenAt, profile.LastSeenAt);
        Assert.Equal(PresenceStatus.Offline, (await http.MemberAsync(room.Id, bob.Id)).Status);

        await using var bobAgain = await HubClient.ConnectAsync(Node, bob);
        var back = await aliceHub.NextPresenceAsync(bob.Id);
        Assert.Equal(PresenceStatus.Online, back.Status);
        Assert.Equal(PresenceStatus.Online, (await http.ProfileAsync(bob.Id)).Status);
        Assert.Equal(PresenceStatus.Online, (await http.MemberAsync(room.Id, bob.Id)).Status);
    }

    [Fact]
    public async Task A_chosen_status_reaches_the_room_and_another_connection_does_not_reset_it()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        using var http = Node.Http(alice.Token);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice, HubProtocol.Json);
        await using var bobLaptop = await HubClient.ConnectAsync(Node, bob);
        await aliceHub.NextPresenceAsync(bob.Id);

        await bobLaptop.SetPresenceAsync("dnd");
        var dnd = await aliceHub.NextPresenceAsync(bob.Id);
        Assert.Equal(PresenceStatus.Dnd, dnd.Status);
        Assert.Equal(PresenceStatus.Dnd, (await http.ProfileAsync(bob.Id)).Status);
        Assert.Equal(PresenceStatus.Dnd, (await http.MemberAsync(room.Id, bob.Id)).Status);

        await using var bobPhone = await HubClient.ConnectAsync(Node, bob);
        await bobPhone.SetPresenceAsync("dnd");
        // The new connection and the repeated choice are done on the server; a round trip on
        // Alice's connection brings in anything they sent her.
        await aliceHub.FlushAsync();
        Assert.DoesNotContain(aliceHub.DrainPresence(), e => e.UserId == bob.Id);
        Assert.Equal(PresenceStatus.Dnd, (await http.ProfileAsync(bob.Id)).Status);

        await bobPhone.SetPresenceAsync("away");
        Assert.Equal(PresenceStatus.Away, (await aliceHub.NextPresenceAsync(bob.Id)).Status);
        Assert.Equal(PresenceStatus.Away, (await http.MemberAsync(room.Id, bob.Id)).Status);
    }

    [Theory]
    [InlineData("sleeping")]
    [InlineData("offline")]
    [InlineData("DND")]
    [InlineData("")]
    [InlineData(null)]
    public async Task Unknown_statuses_and_offline_are_refused_as_invalid_and_change_nothing(string? status)
    {
        var bob = await TestUser.RegisterAsync(Node, "bob");
        await using var bobHub = await HubClient.ConnectAsync(Node, bob);

        var error = await Assert.ThrowsAsync<HubException>(() => bobHub.SetPresenceAsync(status));

        Assert.StartsWith("invalid:", error.Message);
        Assert.Equal(HubConnectionState.Connected, bobHub.Connection.State);
        using var http = Node.Http(bob.Token);
        Assert.Equal(PresenceStatus.Online, (await http.ProfileAsync(bob.Id)).Status);
    }

    [Fact]
    public async Task Connections_opening_at_once_announce_online_once_and_closing_at_once_offline_once()
    {
        var (alice, bob, _) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);

        for (var round = 0; round < 5; round++)
        {
            var opened = await Task.WhenAll(
                HubClient.ConnectAsync(Node, bob), HubClient.ConnectAsync(Node, bob, HubProtocol.Json), HubClient.ConnectAsync(Node, bob));
            await aliceHub.FlushAsync();
            Assert.Equal([PresenceStatus.Online], aliceHub.DrainPresence().Where(e => e.UserId == bob.Id).Select(e => e.Status));

            await Task.WhenAll(opened.Select(c => c.DisposeAsync().AsTask()));
            Assert.Equal(PresenceStatus.Offline, (await aliceHub.NextPresenceAsync(bob.Id)).Status);
        }

        // A second offline from any round would show up here, ahead of this round trip.
        await aliceHub.FlushAsync();
        Assert.DoesNotContain(aliceHub.DrainPresence(), e => e.UserId == bob.Id);
    }

    [Fact]
    public async Task A_connection_closing_while_another_opens_leaves_the_user_online()
    {
        var (alice, bob, _) = await TestRooms.OfTwoAsync(Node);
        using var http = Node.Http(alice.Token);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        var current = await HubClient.ConnectAsync(Node, bob);

        for (var round = 0; round < 10; round++)
        {
            var closing = current;
            var opening = HubClient.ConnectAsync(Node, bob);
            await Task.WhenAll(closing.DisposeAsync().AsTask(), opening);
            current = await opening;

            // Whatever order the server took them in, the new connection is settled by now.
            Assert.Equal(PresenceStatus.Online, (await http.ProfileAsync(bob.Id)).Status);
        }

        await Poll.UntilAsync(() => Connections.Count(bob.Id) == 1, Deadline, "the server sees every closed connection of bob's");
        Assert.Equal(PresenceStatus.Online, (await http.ProfileAsync(bob.Id)).Status);
        await aliceHub.FlushAsync();
        var heard = aliceHub.DrainPresence().Where(e => e.UserId == bob.Id).Select(e => e.Status).ToArray();
        Assert.True(heard.Length == 0 || heard[^1] == PresenceStatus.Online, $"Alice last heard bob as {string.Join(", ", heard)}");
        await current.DisposeAsync();
        Assert.Equal(PresenceStatus.Offline, (await aliceHub.NextPresenceAsync(bob.Id)).Status);
    }

    [Fact]
    public async Task The_typed_client_sets_the_status_by_its_lowercase_name()
    {
        var (alice, bob, _) = await TestRooms.OfTwoAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        await using var client = new Chat.Client.ChatClient(new Chat.Client.ChatClientOptions
        {
            BaseAddress = Node.Address,
            AccessTokenProvider = () => Task.FromResult<string?>(bob.Token),
        });
        await client.StartAsync();
        Assert.Equal(PresenceStatus.Online, (await aliceHub.NextPresenceAsync(bob.Id)).Status);

        await client.SetPresenceAsync(PresenceStatus.Idle);
        Assert.Equal(PresenceStatus.Idle, (await aliceHub.NextPresenceAsync(bob.Id)).Status);

        var refused = await Assert.ThrowsAsync<Chat.Client.ChatServiceException>(() => client.SetPresenceAsync(PresenceStatus.Offline));
        Assert.Equal(ErrorCodes.Invalid, refused.Code);
    }
}
