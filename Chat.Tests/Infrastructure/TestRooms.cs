using Chat.Contracts;

namespace Chat.Tests.Infrastructure;

/// <summary>Rooms with a few members, set up over REST the way clients do it.</summary>
public static class TestRooms
{
    /// <summary>A public room made by alice that bob has joined.</summary>
    public static async Task<(TestUser Alice, TestUser Bob, RoomDto Room)> OfTwoAsync(ChatNode node)
    {
        var alice = await TestUser.RegisterAsync(node, "alice");
        var bob = await TestUser.RegisterAsync(node, "bob");
        var room = await alice.CreateRoomAsync(node);
        await bob.JoinAsync(node, room.Id);
        return (alice, bob, room);
    }

    /// <summary>A public room made by alice that bob and carol have joined.</summary>
    public static async Task<(TestUser Alice, TestUser Bob, TestUser Carol, RoomDto Room)> OfThreeAsync(ChatNode node)
    {
        var (alice, bob, room) = await OfTwoAsync(node);
        var carol = await TestUser.RegisterAsync(node, "carol");
        await carol.JoinAsync(node, room.Id);
        return (alice, bob, carol, room);
    }
}
