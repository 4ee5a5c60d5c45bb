namespace Chat.Contracts;

/// <summary>The events the server sends to a connected client.</summary>
public interface IChatClient
{
    Task MessageReceived(MessageDto message);

    Task MessageUpdated(MessageDto message);

    Task MessageDeleted(MessageDeletedEvent deleted);

    Task UserJoined(UserJoinedEvent joined);

    Task UserLeft(UserLeftEvent left);

    Task TypingChanged(TypingChangedEvent typing);

    Task ReceiptUpdated(ReceiptDto receipt);

    Task PresenceChanged(PresenceChangedEvent presence);

    /// <summary>A large room's presence changes, coalesced, to the connections watching its presence.</summary>
    Task PresenceDigest(PresenceDigestEvent digest);

    Task ReactionChanged(ReactionChangedEvent reaction);

    Task MemberUpdated(MemberDto member);

    Task RemovedFromRoom(RemovedFromRoomEvent removed);

    Task RoomUpdated(RoomDto room);

    /// <summary>Events may have been lost on the way to this connection: call <c>Sync</c>.</summary>
    Task ResyncRequired(ResyncRequiredEvent resync);

    /// <summary>A part of a bot's reply as it streams.</summary>
    Task MessageStreaming(MessageStreamingEvent streaming);

    /// <summary>A moderator pinned a message of the room.</summary>
    Task MessagePinned(PinDto pin);

    /// <summary>A message of the room was unpinned, or deleted while pinned.</summary>
    Task MessageUnpinned(MessageUnpinnedEvent unpinned);

    /// <summary>This user's read pointer in a thread moved forward (on any of their connections).</summary>
    Task ThreadReadUpdated(ThreadReadEvent read);
}
