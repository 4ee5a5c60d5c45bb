namespace Chat.Hubs.Connections;

/// <summary>One connection in the cluster registry, stored as <c>nodeId|connectionId</c>.</summary>
public sealed record ConnectionEntry(string NodeId, string ConnectionId)
{
    private const char Separator = '|';

    public static string Format(string nodeId, string connectionId) => $"{nodeId}{Separator}{connectionId}";

    /// <summary>What every entry of <paramref name="nodeId"/> starts with.</summary>
    public static string NodePrefix(string nodeId) => $"{nodeId}{Separator}";

    /// <summary>Reads an entry; null for text that is not one.</summary>
    public static ConnectionEntry? Parse(string? text)
    {
        var separator = text?.IndexOf(Separator) ?? -1;
        return separator > 0 && separator < text!.Length - 1
            ? new ConnectionEntry(text[..separator], text[(separator + 1)..])
            : null;
    }

    public override string ToString() => Format(NodeId, ConnectionId);
}
