namespace Chat.Hubs.Typing;

/// <summary>A room's typing list after one user's entry came or went: what the room is told.</summary>
/// <param name="RoomId">The room whose list changed.</param>
/// <param name="UserId">The typist whose event changed it; their own connections are not told.</param>
/// <param name="Typists">Everyone typing in the room now, earliest expiry first.</param>
public sealed record TypingChange(Guid RoomId, Guid UserId, Guid[] Typists);

/// <summary>
/// Who types in which room until when. Times come in as arguments, so a store holds no clock and
/// every node of a cluster judges expiry by the same scores. Lists hold only entries that expire
/// after <c>now</c>, earliest expiry first.
/// </summary>
public interface ITypingStore
{
    /// <summary>
    /// Records that the user types in the room until <paramref name="expiresAt"/>. Returns the
    /// room's list when the user was not in it yet; null when an entry was only extended.
    /// </summary>
    Task<Guid[]?> StartAsync(Guid roomId, Guid userId, DateTimeOffset now, DateTimeOffset expiresAt);

    /// <summary>Removes the user's entry; returns the room's list when there was one to remove, else null.</summary>
    Task<Guid[]?> StopAsync(Guid roomId, Guid userId, DateTimeOffset now);

    /// <summary>Who types in the room now.</summary>
    Task<Guid[]> TypistsAsync(Guid roomId, DateTimeOffset now);

    /// <summary>
    /// Removes up to <paramref name="max"/> entries whose expiry is not after <paramref name="now"/>
    /// and returns each removal with the list left behind. Each removal is returned by one caller
    /// only, however many nodes ask at once. The work follows the number of due entries, never
    /// the number of rooms.
    /// </summary>
    Task<IReadOnlyList<TypingChange>> ExpireDueAsync(DateTimeOffset now, int max);
}
