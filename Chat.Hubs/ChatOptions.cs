using System.ComponentModel.DataAnnotations;

namespace Chat.Hubs;

/// <summary>Limits of the chat engine; the defaults are the contract's.</summary>
public sealed class ChatOptions
{
    public const string SectionName = "Chat";

    /// <summary>The largest hub message a client may send; larger ones close that connection.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public long MaximumReceiveMessageSize { get; set; } = 64 * 1024;

    /// <summary>
    /// Hub calls a connection may have under way. They still run one after another (see
    /// <see cref="Connections.SequentialInvocationFilter"/>), but a send waiting for its commit no longer
    /// holds up the connection's next calls, so a client that sends without waiting for each ack
    /// gets its messages stored in one batch. Beyond this many, SignalR stops reading the connection.
    /// </summary>
    [Range(1, 64)]
    public int CallsInFlightPerConnection { get; set; } = 8;

    /// <summary>About how large one history page or one <c>Sync</c> answer may grow, in bytes of messages.</summary>
    [Range(16 * 1024, 64 * 1024 * 1024)]
    public long MaxAnswerBytes { get; set; } = 1024 * 1024;

    /// <summary>How many different emoji one message may be reacted with.</summary>
    [Range(1, 1000)]
    public int MaxReactionEmoji { get; set; } = 20;

    /// <summary>Text content limit, in characters after trimming.</summary>
    [Range(1, 100_000)]
    public int MaxContentLength { get; set; } = 4000;

    /// <summary>The most messages one history page or one Sync room returns.</summary>
    [Range(1, 1000)]
    public int MaxPageSize { get; set; } = 200;

    /// <summary>
    /// Rooms with this many members or more are large: their members' presence, joins and leaves
    /// reach only the connections watching the room (<c>WatchPresence</c>), presence coalesced
    /// into one <c>PresenceDigest</c> per interval, so that filling or connecting a room costs
    /// no more events per member however large it grows.
    /// </summary>
    [Range(2, 1_000_000)]
    public int LargeRoomMembers { get; set; } = 200;

    /// <summary>How often a large room's watchers hear its presence changes.</summary>
    [Range(50, 60_000)]
    public int PresenceDigestMilliseconds { get; set; } = 1000;

    /// <summary>How many recent messages a room snapshot carries.</summary>
    [Range(0, 1000)]
    public int SnapshotMessages { get; set; } = 50;

    /// <summary>The largest file an upload may carry; larger ones are refused with <c>too_large</c>.</summary>
    /// <remarks>Capped well below PostgreSQL's 1 GB limit of one bytea value.</remarks>
    [Range(1, 512 * 1024 * 1024)]
    public long MaxAttachmentBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>How many bytes one user's files may hold in all; an upload past it gets <c>limit</c>.</summary>
    [Range(1, long.MaxValue)]
    public long MaxStoredBytesPerUser { get; set; } = 1024L * 1024 * 1024;

    /// <summary>
    /// Accept WebSocket per-message compression (permessage-deflate) on the hub when a client
    /// offers it. Browsers always offer it; the .NET client does when asked.
    /// </summary>
    public bool WebSocketCompression { get; set; } = true;

    /// <summary>
    /// How many bytes of messages may wait for one connection behind a write it has not taken
    /// yet; one more and the connection is cut off (see <see cref="Outgoing.QueuedConnection"/>).
    /// </summary>
    [Range(16 * 1024, 1024L * 1024 * 1024)]
    public long MaxOutgoingBytesPerConnection { get; set; } = 1024 * 1024;

    /// <summary>
    /// How long one write to a connection may wait, for the network or (with stateful reconnect)
    /// for the client's acknowledgements, before the connection is cut off.
    /// </summary>
    /// <remarks>
    /// Below SignalR's own five seconds, after which a stateful connection's full replay buffer
    /// gives up waiting and closes the connection itself, so that such a client is counted too.
    /// </remarks>
    [Range(1, 300)]
    public int MaxWriteWaitSeconds { get; set; } = 3;

    /// <summary>
    /// How long a stateful-reconnect client may leave a delivery unacknowledged before it is cut
    /// off. Clients acknowledge about once a second; a short network blip that stateful
    /// reconnect smooths over stays well within it.
    /// </summary>
    [Range(2, 3600)]
    public int MaxUnacknowledgedSeconds { get; set; } = 10;
}
