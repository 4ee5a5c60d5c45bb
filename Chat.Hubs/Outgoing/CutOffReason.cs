namespace Chat.Hubs.Outgoing;

/// <summary>Why a connection was cut off: the <c>reason</c> tag of <c>chat.connections.cut_off</c>.</summary>
public static class CutOffReason
{
    /// <summary>More than <see cref="ChatOptions.MaxOutgoingBytesPerConnection"/> waited behind a write the connection had not taken.</summary>
    public const string OutgoingBytes = "outgoing_bytes";

    /// <summary>
    /// One write waited longer than <see cref="ChatOptions.MaxWriteWaitSeconds"/>: the client stopped
    /// reading, or with stateful reconnect left its replay buffer full of unacknowledged messages.
    /// </summary>
    public const string WriteWait = "write_wait";

    /// <summary>
    /// A stateful-reconnect client left a delivery unacknowledged longer than
    /// <see cref="ChatOptions.MaxUnacknowledgedSeconds"/>, though it had room in its replay buffer.
    /// </summary>
    public const string Unacknowledged = "unacknowledged";
}
