using Chat.Contracts;
using Chat.Hubs.Errors;

namespace Chat.Hubs.Presence;

/// <summary>The presence a user should have, decided from what is stored and what is connected.</summary>
public static class PresenceRules
{
    /// <summary>The statuses a user may choose; <c>offline</c> only follows from having no connection.</summary>
    public static readonly IReadOnlyDictionary<string, PresenceStatus> Choosable = new Dictionary<string, PresenceStatus>(StringComparer.Ordinal)
    {
        ["online"] = PresenceStatus.Online,
        ["idle"] = PresenceStatus.Idle,
        ["away"] = PresenceStatus.Away,
        ["dnd"] = PresenceStatus.Dnd,
    };

    /// <summary>Reads a status a user chose, as it travels on the wire (lowercase).</summary>
    public static PresenceStatus ParseChoice(string? status) =>
        status is not null && Choosable.TryGetValue(status, out var chosen)
            ? chosen
            : throw ChatException.Invalid($"status must be one of {string.Join(", ", Choosable.Keys)}");

    /// <summary>
    /// What a user's presence becomes with <paramref name="liveConnections"/> open anywhere, or
    /// null when it stays. The first connection brings an offline user online (a status the user
    /// chose, such as dnd, survives further connections); the last one closing makes the user
    /// offline, last seen <paramref name="now"/>.
    /// </summary>
    public static PresenceChangedEvent? Settle(Guid userId, PresenceStatus stored, DateTime? lastSeenAt, int liveConnections, DateTime now) =>
        (stored, liveConnections) switch
        {
            (PresenceStatus.Offline, > 0) => new PresenceChangedEvent(userId, PresenceStatus.Online, lastSeenAt),
            (not PresenceStatus.Offline, 0) => new PresenceChangedEvent(userId, PresenceStatus.Offline, now),
            _ => null,
        };

    /// <summary>The change when the user chooses <paramref name="chosen"/>, or null when it is the status already.</summary>
    public static PresenceChangedEvent? Choose(Guid userId, PresenceStatus stored, DateTime? lastSeenAt, PresenceStatus chosen) =>
        stored == chosen ? null : new PresenceChangedEvent(userId, chosen, lastSeenAt);
}
