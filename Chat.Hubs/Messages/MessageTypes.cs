using Chat.Contracts;

namespace Chat.Hubs.Messages;

/// <summary>The message types a client may send, by their wire names.</summary>
internal static class MessageTypes
{
    // join and leave are written by the server only, when membership changes.
    public static readonly IReadOnlyDictionary<string, MessageType> Sendable = new Dictionary<string, MessageType>(StringComparer.Ordinal)
    {
        ["text"] = MessageType.Text,
        ["image"] = MessageType.Image,
        ["file"] = MessageType.File,
        ["system"] = MessageType.System,
    };
}
