namespace Chat.Hubs.Broadcasting;

/// <summary>
/// The SignalR group names: one per room, one per user (all of a user's connections), one per
/// large room's presence watchers.
/// </summary>
internal static class RoomGroup
{
    public static string Name(Guid roomId) => $"room:{roomId:N}";

    public static string OfUser(Guid userId) => $"user:{userId:N}";

    /// <summary>The connections watching a large room's presence (see <c>WatchPresence</c>).</summary>
    public static string PresenceOf(Guid roomId) => $"presence:{roomId:N}";

    /// <summary>True for the group of a room or of its presence watchers, false for that of a user.</summary>
    public static bool IsRoom(string group) =>
        group.StartsWith("room:", StringComparison.Ordinal) || group.StartsWith("presence:", StringComparison.Ordinal);
}
