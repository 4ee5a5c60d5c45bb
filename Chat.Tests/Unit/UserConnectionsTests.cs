using Chat.Hubs.Connections;

namespace Chat.Tests.Unit;

public sealed class UserConnectionsTests
{
    [Fact]
    public void A_user_is_first_connected_once_and_last_disconnected_once()
    {
        var connections = new UserConnections();
        var user = Guid.NewGuid();

        Assert.True(connections.Add(user, "a"));
        Assert.False(connections.Add(user, "b"));
        Assert.Equal(2, connections.Count(user));
        Assert.False(connections.Remove(user, "a"));
        Assert.True(connections.Remove(user, "b"));
        Assert.Empty(connections.Of(user));
    }

    [Fact]
    public async Task Concurrent_connects_and_disconnects_leave_an_exact_count()
    {
        var connections = new UserConnections();
        var user = Guid.NewGuid();
        var firsts = 0;
        var lasts = 0;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                var id = $"{worker}-{i}";
                if (connections.Add(user, id))
                {
                    Interlocked.Increment(ref firsts);
                }

                if (connections.Remove(user, id))
                {
                    Interlocked.Increment(ref lasts);
                }
            }
        })));

        Assert.Equal(0, connections.Count(user));
        Assert.Equal(firsts, lasts);
    }
}
