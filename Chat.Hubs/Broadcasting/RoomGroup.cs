namespace Chat.Hubs.Broadcasting;

/// <summary>The SignalR group names: one per room, one per user (all of a user's connections).</summary>
internal static class RoomGroup
{
    public static string Name(Guid roomId) => $"room:{roomId:N}";

    public static string OfUser(Guid userId) => $"user:{userId:N}";

    /// <summary>True for the group of a room, false for that of a user.</summary>
    public static bool IsRoom(string group) => group.StartsWith("room:", StringComparison.Ordinal);
}
