namespace Chat.Client;

/// <summary>Where the chat service is and how to authenticate to it.</summary>
public sealed class ChatClientOptions
{
    /// <summary>The service's base address, such as https://chat.example.com/.</summary>
    public required Uri BaseAddress { get; init; }

    /// <summary>Returns a current access token; called on every (re)connect.</summary>
    public required Func<Task<string?>> AccessTokenProvider { get; init; }

    /// <summary>JSON instead of the default MessagePack, for debugging on the wire.</summary>
    public bool UseJsonProtocol { get; init; }

    /// <summary>
    /// Offer WebSocket per-message compression (permessage-deflate). Large messages then cross
    /// the wire in a fraction of their size; a server that does not support it simply declines.
    /// </summary>
    public bool WebSocketCompression { get; init; } = true;

    /// <summary>Delays between reconnect attempts; the last one repeats until the connection is back.</summary>
    public IReadOnlyList<TimeSpan> ReconnectDelays { get; init; } =
        [TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)];
}
