using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Npgsql;

namespace Chat.Tests.Integration;

/// <summary>
/// A user whose last connection closes while the database is out of reach is not left online for
/// good: once the database is back, the node settles them offline.
/// </summary>
public sealed class PresenceOutageTests
{
    [Fact]
    public async Task A_user_who_disconnects_during_a_database_outage_goes_offline_once_it_is_back()
    {
        var database = await TestServers.CreateDatabaseAsync();
        var name = new NpgsqlConnectionStringBuilder(database).Database!;
        try
        {
            await using var node = ChatNode.Start(database);
            var (alice, bob, _) = await TestRooms.OfTwoAsync(node);
            using var aliceHttp = node.Http(alice.Token);
            var bobHub = await HubClient.ConnectAsync(node, bob);
            await Poll.UntilAsync(
                async () => (await aliceHttp.ProfileAsync(bob.Profile.Id)).Status == PresenceStatus.Online, TimeSpan.FromSeconds(10), "Bob is online");

            await TestServers.SetReachableAsync(name, reachable: false);
            try
            {
                await bobHub.DisposeAsync();
                // Long enough for the node to have tried and failed to settle him.
                await Task.Delay(TimeSpan.FromSeconds(3));
            }
            finally
            {
                await TestServers.SetReachableAsync(name, reachable: true);
            }

            await Poll.UntilAsync(
                async () =>
                {
                    try
                    {
                        return (await aliceHttp.ProfileAsync(bob.Profile.Id)).Status == PresenceStatus.Offline;
                    }
                    catch (HttpRequestException)
                    {
                        // 503 while the circuit is still open.
                        return false;
                    }
                },
                TimeSpan.FromSeconds(40),
                "Bob is offline");
        }
        finally
        {
            await TestServers.DropDatabaseAsync(database);
        }
    }
}
