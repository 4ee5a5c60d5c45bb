using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Blocks;
using Chat.Hubs.Connections;
using Chat.Hubs.Typing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace Chat.Hubs.Broadcasting;

/// <summary>
/// Every send to clients, and every rule of who hears what: services say what happened to whom,
/// and this decides the connections. A room's news goes to its group; a private message and the
/// changes to it go to its two users only; a stored message skips the connection that sent it; a
/// typing list skips the typist. Whoever blocked a user hears nothing the user sends or does: no
/// message, edit, delete, reaction, pin or typing of theirs, and nothing about their messages.
/// </summary>
/// <remarks>
/// Each event is one send to a group (or a few groups, or a group with exclusions), never a send
/// per member: SignalR then serializes the payload once per protocol and, with Redis, publishes
/// it once, however many members the room has.
/// </remarks>
public sealed class RoomBroadcaster(
    IHubContext<ChatHub, IChatClient> hub,
    ConnectionDirectory connections,
    UserConnections localConnections,
    BlockService blocks,
    MembershipRepository members,
    OnlineMemberCount online,
    RoomSizes sizes,
    PresenceDigests digests,
    ChatMetrics metrics,
    ILogger<RoomBroadcaster> logger)
{
    // A connection that closed a moment ago never acks a group change; the user's others must not wait on it long.
    private static readonly TimeSpan GroupChangeTimeout = TimeSpan.FromSeconds(3);

    // How often a removal without an ack is sent, at most, before a kick or leave returns.
    private const int RemovalAttempts = 2;

    /// <summary>A new message: to the room, or for a private one to its two users; never back to the sending connection.</summary>
    public async Task MessageStoredAsync(MessageDto message, string? sendingConnectionId)
    {
        IReadOnlyList<string> except = sendingConnectionId is null ? [] : [sendingConnectionId];
        if (message.ToUserId is { } recipient)
        {
            // The sender's other connections see what they sent from this one.
            await hub.Clients.GroupExcept(RoomGroup.OfUser(message.SenderId), except).MessageReceived(message);
            if (recipient != message.SenderId)
            {
                await hub.Clients.Group(RoomGroup.OfUser(recipient)).MessageReceived(message);
                metrics.MessagesDelivered(1);
            }

            return;
        }

        await hub.Clients.GroupExcept(RoomGroup.Name(message.RoomId), await WithBlockersAsync(except, message.SenderId))
            .MessageReceived(message);
        // The sender is among the online members and is not counted as a recipient.
        metrics.MessagesDelivered(await online.OnlineAsync(message.RoomId) - 1);
    }

    /// <summary>A message's new content, to whoever may see the message.</summary>
    public async Task MessageEditedAsync(MessageDto message) =>
        await (await UpdateRecipientsAsync(message.RoomId, message.SenderId, message.ToUserId, actorId: message.SenderId))
            .MessageUpdated(message);

    /// <summary>
    /// Who hears the parts of a bot's reply as it streams: those who heard its start (the room, or
    /// the two users of a private reply), less those who blocked the bot.
    /// </summary>
    public async Task<IChatClient> ReplyAudienceAsync(Guid roomId, Guid botId, Guid? toUserId) =>
        await UpdateRecipientsAsync(roomId, botId, toUserId, actorId: botId);

    /// <summary>A message was deleted by <paramref name="actorId"/>: whoever may see it hears it once.</summary>
    public async Task MessageDeletedAsync(StoredMessage message, Guid actorId) =>
        await (await UpdateRecipientsAsync(message.RoomId, message.SenderId, message.ToUserId, actorId))
            .MessageDeleted(new MessageDeletedEvent(message.RoomId, message.Id));

    /// <summary>A moderator pinned a message of <paramref name="senderId"/>: the room hears it, as of any change to the message.</summary>
    public async Task MessagePinnedAsync(PinDto pin, Guid senderId) =>
        await (await UpdateRecipientsAsync(pin.RoomId, senderId, toUserId: null, actorId: pin.PinnedBy)).MessagePinned(pin);

    /// <summary>A message of <paramref name="senderId"/> lost its pin (unpinned or deleted): told as the pin was.</summary>
    public async Task MessageUnpinnedAsync(MessageUnpinnedEvent unpinned, Guid senderId) =>
        await (await UpdateRecipientsAsync(unpinned.RoomId, senderId, toUserId: null, actorId: unpinned.By)).MessageUnpinned(unpinned);

    /// <summary>A reaction on <paramref name="message"/> changed, told to whoever may see the message.</summary>
    public async Task ReactionChangedAsync(ReactionTarget message, ReactionChangedEvent change) =>
        await (await UpdateRecipientsAsync(change.RoomId, message.SenderId, message.ToUserId, change.UserId))
            .ReactionChanged(change);

    /// <summary>
    /// The room's new typing list, to everyone in the room but the typist it is about and those who
    /// blocked that typist; whoever blocked someone else on the list hears it without them.
    /// </summary>
    public async Task TypingChangedAsync(TypingChange change)
    {
        var skipped = new HashSet<string>(await WithBlockersAsync(await connections.OfAsync(change.UserId), change.UserId));

        // The list names everyone typing, not only the one whose change this is: a member who
        // blocked another typist on it hears the list without them. Blocks are rare, so this
        // costs a cached lookup per typist and nothing more in the usual room.
        var typistBlockers = await blocks.BlockersOfAsync(change.UserId);
        var hiddenFrom = new Dictionary<Guid, HashSet<Guid>>();
        foreach (var typist in change.Typists.Where(t => t != change.UserId))
        {
            foreach (var blocker in await blocks.BlockersOfAsync(typist))
            {
                if (blocker != change.UserId && !typistBlockers.Contains(blocker))
                {
                    (hiddenFrom.TryGetValue(blocker, out var hidden) ? hidden : hiddenFrom[blocker] = []).Add(typist);
                }
            }
        }

        foreach (var (listener, hidden) in hiddenFrom)
        {
            var listening = await connections.OfAsync(listener);
            skipped.UnionWith(listening);
            // Sent to the listener's connections by name, so only when they are in the room.
            if (listening.Count > 0 && await members.FindAsync(change.RoomId, listener) is not null)
            {
                await hub.Clients.Clients(listening)
                    .TypingChanged(new TypingChangedEvent(change.RoomId, [.. change.Typists.Where(t => !hidden.Contains(t))]));
            }
        }

        await hub.Clients.GroupExcept(RoomGroup.Name(change.RoomId), [.. skipped])
            .TypingChanged(new TypingChangedEvent(change.RoomId, change.Typists));
    }

    /// <summary>A member's receipt moved forward.</summary>
    public Task ReceiptMovedAsync(ReceiptDto receipt) => Room(receipt.RoomId).ReceiptUpdated(receipt);

    /// <summary>A room's name, topic or settings changed.</summary>
    public Task RoomUpdatedAsync(RoomDto room) => Room(room.Id).RoomUpdated(room);

    /// <summary>A member's role or mute changed.</summary>
    public Task MemberUpdatedAsync(MemberDto member) => Room(member.RoomId).MemberUpdated(member);

    /// <summary>
    /// A user's presence changed: every room they are in hears it, a large room through the next
    /// digest to its watchers only. When all their rooms are large, the user's own connections
    /// hear it directly.
    /// </summary>
    public async Task PresenceChangedAsync(IReadOnlyList<Guid> roomIds, PresenceChangedEvent change)
    {
        var heardAtOnce = new List<string>(roomIds.Count);
        foreach (var roomId in roomIds)
        {
            if (sizes.IsLarge(roomId))
            {
                digests.Add(roomId, change);
            }
            else
            {
                heardAtOnce.Add(RoomGroup.Name(roomId));
            }
        }

        if (heardAtOnce.Count == 0 && roomIds.Count > 0)
        {
            heardAtOnce.Add(RoomGroup.OfUser(change.UserId));
        }

        if (heardAtOnce.Count > 0)
        {
            await hub.Clients.Groups(heardAtOnce).PresenceChanged(change);
        }
    }

    /// <summary>Puts the connection into, or takes it out of, the room's presence watchers.</summary>
    public Task WatchPresenceAsync(string connectionId, Guid roomId, bool watching) =>
        watching
            ? hub.Groups.AddToGroupAsync(connectionId, RoomGroup.PresenceOf(roomId))
            : hub.Groups.RemoveFromGroupAsync(connectionId, RoomGroup.PresenceOf(roomId));

    /// <summary>
    /// Tells every connection on this node that it may have missed events of <paramref name="roomIds"/>
    /// (all rooms when null). Written to each connection directly, not through a group: it is sent
    /// because the backplane that carries group sends was away.
    /// </summary>
    public async Task ResyncRequiredOnThisNodeAsync(IReadOnlyList<Guid>? roomIds)
    {
        var resync = new ResyncRequiredEvent(roomIds);
        foreach (var connectionId in localConnections.Snapshot().Values.SelectMany(ids => ids))
        {
            await hub.Clients.Client(connectionId).ResyncRequired(resync);
        }
    }

    /// <summary>A room was made: its creator's open connections enter its group.</summary>
    public Task RoomCreatedAsync(Guid roomId, Guid creatorId) => ChangeGroupAsync(creatorId, roomId, add: true);

    /// <summary>
    /// A user joined: their connections on every node enter the room's group first, so they hear
    /// their own join, then the room hears <c>UserJoined</c> (a large room's presence watchers
    /// only) and the join message.
    /// </summary>
    public async Task MemberJoinedAsync(Guid roomId, UserDto user, MessageDto joinMessage)
    {
        await ChangeGroupAsync(user.Id, roomId, add: true);
        await sizes.RecountAsync(roomId, CancellationToken.None);
        await MemberListListeners(roomId).UserJoined(new UserJoinedEvent(roomId, user));
        await Room(roomId).MessageReceived(joinMessage);
    }

    /// <summary>
    /// A user left or was removed: their connections on every node leave the room's group, then
    /// they hear <c>RemovedFromRoom</c> and the room hears <c>UserLeft</c> and the leave message.
    /// </summary>
    /// <remarks>
    /// The group change waits for every node's ack, so a message sent after this returns no longer
    /// reaches the user.
    /// </remarks>
    public async Task MemberRemovedAsync(Guid roomId, Guid userId, RemovalReason reason, Guid? actorId, MessageDto leaveMessage)
    {
        await ChangeGroupAsync(userId, roomId, add: false);
        await hub.Clients.Group(RoomGroup.OfUser(userId)).RemovedFromRoom(new RemovedFromRoomEvent(roomId, reason, actorId));
        await sizes.RecountAsync(roomId, CancellationToken.None);
        await MemberListListeners(roomId).UserLeft(new UserLeftEvent(roomId, userId));
        await Room(roomId).MessageReceived(leaveMessage);
    }

    /// <summary>A user read further in a thread: all of their connections hear it, this one too.</summary>
    public Task ThreadReadAsync(Guid userId, ThreadReadEvent read) =>
        hub.Clients.Group(RoomGroup.OfUser(userId)).ThreadReadUpdated(read);

    /// <summary>A connection opened: it joins its user's group, through which private messages and removals reach it.</summary>
    public Task ConnectionOpenedAsync(string connectionId, Guid userId) =>
        hub.Groups.AddToGroupAsync(connectionId, RoomGroup.OfUser(userId));

    /// <summary>A new connection enters the groups of its user's rooms.</summary>
    public Task ConnectionEnteredRoomsAsync(string connectionId, IReadOnlyList<Guid> roomIds) =>
        // In parallel: with Redis each group is a subscription round trip, and a user may be in many rooms.
        Task.WhenAll(roomIds.Select(roomId => hub.Groups.AddToGroupAsync(connectionId, RoomGroup.Name(roomId))));

    private IChatClient Room(Guid roomId) => hub.Clients.Group(RoomGroup.Name(roomId));

    // Who hears the member list change: everyone in a small room, the watchers of a large one.
    private IChatClient MemberListListeners(Guid roomId) =>
        sizes.IsLarge(roomId) ? hub.Clients.Group(RoomGroup.PresenceOf(roomId)) : Room(roomId);

    /// <summary>
    /// Who hears about a stored message changing: the room, or for a private message its two
    /// users; in either case not those who blocked the message's sender or <paramref name="actorId"/>,
    /// whose change it is.
    /// </summary>
    private async ValueTask<IChatClient> UpdateRecipientsAsync(Guid roomId, Guid senderId, Guid? toUserId, Guid actorId)
    {
        // Mostly the sender changes their own message: their blockers are looked up once then.
        var otherActor = actorId != senderId;
        if (toUserId is not { } recipient)
        {
            var skipped = await WithBlockersAsync([], senderId);
            if (otherActor)
            {
                skipped = await WithBlockersAsync(skipped, actorId);
            }

            return skipped.Count == 0 ? Room(roomId) : hub.Clients.GroupExcept(RoomGroup.Name(roomId), skipped);
        }

        var hidden = recipient == senderId
            || (await blocks.BlockersOfAsync(senderId)).Contains(recipient)
            || (otherActor && (await blocks.BlockersOfAsync(actorId)).Contains(recipient));
        return hidden
            ? hub.Clients.Group(RoomGroup.OfUser(senderId))
            : hub.Clients.Groups([RoomGroup.OfUser(senderId), RoomGroup.OfUser(recipient)]);
    }

    /// <summary>Adds the connections of everyone who blocked <paramref name="userId"/> to those a send skips.</summary>
    private async ValueTask<IReadOnlyList<string>> WithBlockersAsync(IReadOnlyList<string> except, Guid userId)
    {
        var blockers = await blocks.BlockersOfAsync(userId);
        if (blockers.Length == 0)
        {
            return except;
        }

        var excluded = new HashSet<string>(except);
        foreach (var blocker in blockers)
        {
            excluded.UnionWith(await connections.OfAsync(blocker));
        }

        return [.. excluded];
    }

    /// <summary>
    /// Moves all of a user's open connections, on every node, into or out of a room's group. With
    /// Redis, SignalR applies each change on the owning node and waits for its ack, so a broadcast
    /// sent after this returns reaches (or misses) the user's connections everywhere.
    /// </summary>
    /// <remarks>
    /// A removal that gets no ack in time is sent again while its connection is still registered:
    /// a kicked or banned user's connection left in the group would hear the room's next messages.
    /// A node busy enough to miss the ack's deadline (seen under a loaded test run) usually answers
    /// the next one. What still does not hold is left to <see cref="Connections.GroupReconciler"/>.
    /// </remarks>
    private async Task ChangeGroupAsync(Guid userId, Guid roomId, bool add)
    {
        // A former member no longer watches the room's presence either.
        string[] groups = add ? [RoomGroup.Name(roomId)] : [RoomGroup.Name(roomId), RoomGroup.PresenceOf(roomId)];
        var pending = (await connections.OfAsync(userId)).SelectMany(connectionId => groups.Select(group => (connectionId, group))).ToList();
        for (var attempt = 1; pending.Count > 0; attempt++)
        {
            var changed = await Task.WhenAll(pending.Select(async change => (change, held: await TryChangeGroupAsync(change.connectionId, change.group, add))));
            pending = [.. changed.Where(c => !c.held).Select(c => c.change)];
            if (pending.Count == 0 || add || attempt == RemovalAttempts)
            {
                break;
            }

            // A connection that closed meanwhile has left every group; only live ones are tried again.
            var live = (await connections.OfAsync(userId)).ToHashSet();
            pending = [.. pending.Where(change => live.Contains(change.connectionId))];
        }

        if (pending.Count > 0 && !add)
        {
            logger.LogWarning(
                "{Count} group removals of user {UserId} from room {RoomId} got no ack; the group reconciler takes them over",
                pending.Count, userId, roomId);
        }
    }

    /// <summary>
    /// Moves one connection, on whichever node holds it, into or out of a group; false when the
    /// connection closed meanwhile (it leaves all its groups anyway).
    /// </summary>
    internal async Task<bool> TryChangeGroupAsync(string connectionId, string group, bool add)
    {
        try
        {
            var change = add
                ? hub.Groups.AddToGroupAsync(connectionId, group)
                : hub.Groups.RemoveFromGroupAsync(connectionId, group);
            await change.WaitAsync(GroupChangeTimeout);
            return true;
        }
        catch (Exception e) when (e is TimeoutException or IOException or OperationCanceledException)
        {
            logger.LogDebug(e, "Connection {ConnectionId} gone while changing group {Group}", connectionId, group);
            return false;
        }
    }
}
