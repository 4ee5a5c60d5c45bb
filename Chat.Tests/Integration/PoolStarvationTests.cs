using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Integration;

/// <summary>
/// Presence under a pool far smaller than the crowd: every decision about a user's presence holds
/// a pooled connection while the user is locked, so none may wait for a second one.
/// </summary>
public sealed class PoolStarvationTests(SmallPoolNodeFixture fixture) : IClassFixture<SmallPoolNodeFixture>
{
    // Four times the pool: a burst that takes every connection and still has users waiting.
    private const int Crowd = 4 * SmallPoolNodeFixture.MaxPoolSize;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task Bursts_of_status_changes_and_disconnects_larger_than_the_pool_all_settle_and_reach_the_room()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node, name: "crowd");
        var crowd = new List<TestUser>();
        for (var i = 0; i < Crowd; i++)
        {
            var user = await TestUser.RegisterAsync(Node, $"member{i}");
            await user.JoinAsync(Node, room.Id);
            crowd.Add(user);
        }

        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        var connections = await Task.WhenAll(crowd.Select(user => HubClient.ConnectAsync(Node, user)));
        try
        {
            await HeardAsync(aliceHub, crowd, PresenceStatus.Online);

            // Everyone changes status at once: each change is decided with its user locked and
            // announced to the user's rooms, which it reads while still holding the lock.
            await Task.WhenAll(connections.Select(connection => connection.SetPresenceAsync("away")));
            await HeardAsync(aliceHub, crowd, PresenceStatus.Away);

            // Everyone leaves at once, as when a node's clients all lose their network.
            await Task.WhenAll(connections.Select(connection => connection.DisposeAsync().AsTask()));
            await HeardAsync(aliceHub, crowd, PresenceStatus.Offline);
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }

        using var http = Node.Http(alice.Token);
        foreach (var user in crowd)
        {
            Assert.Equal(PresenceStatus.Offline, (await http.ProfileAsync(user.Id)).Status);
        }
    }

    /// <summary>Waits until <paramref name="observer"/> has heard every one of <paramref name="users"/> change to <paramref name="status"/>.</summary>
    private static async Task HeardAsync(HubClient observer, IReadOnlyList<TestUser> users, PresenceStatus status)
    {
        var waiting = users.Select(u => u.Id).ToHashSet();
        using var deadline = new CancellationTokenSource(Deadline);
        while (waiting.Count > 0)
        {
            PresenceChangedEvent change;
            try
            {
                change = await observer.NextPresenceAsync(Deadline).WaitAsync(deadline.Token);
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                throw new TimeoutException($"{waiting.Count} of {users.Count} users were never announced {status}", e);
            }

            if (change.Status == status)
            {
                waiting.Remove(change.UserId);
            }
        }
    }
}
