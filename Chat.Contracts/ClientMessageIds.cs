namespace Chat.Contracts;

/// <summary>How this repository's clients make a send's <c>clientMessageId</c>.</summary>
public static class ClientMessageIds
{
    /// <summary>
    /// A fresh id that grows with time (UUID v7). Any UUID is accepted, but the server indexes
    /// each sender's ids in a room, and ids that grow are added at the end of the sender's range
    /// rather than anywhere in it, which keeps the index compact and its hot pages few.
    /// </summary>
    public static Guid New() => Guid.CreateVersion7();
}
