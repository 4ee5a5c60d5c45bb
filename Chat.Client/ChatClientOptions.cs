namespace Chat.Client;

/// <summary>Where the chat service is and how to authenticate to it; shared by the hub and the REST client.</summary>
public sealed class ChatClientOptions
{
    public const string SectionName = "ChatClient";

    /// <summary>The service's base address, such as https://chat.example.com/.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>
    /// Returns a current access token; called on every (re)connect and before every REST request,
    /// so a provider that refreshes tokens keeps long-lived clients signed in. Null signs in nobody
    /// (enough for <c>/auth</c>).
    /// </summary>
    public Func<Task<string?>>? AccessTokenProvider { get; set; }

    /// <summary>JSON instead of the default MessagePack, for debugging on the wire.</summary>
    public bool UseJsonProtocol { get; set; }

    /// <summary>
    /// Offer WebSocket per-message compression (permessage-deflate). Large messages then cross
    /// the wire in a fraction of their size; a server that does not support it simply declines.
    /// </summary>
    public bool WebSocketCompression { get; set; } = true;

    /// <summary>
    /// Delays between reconnect attempts; the last one repeats (with up to a fifth more, at random)
    /// until the connection is back. Every 5 s: a node that was away is found again within seconds
    /// of its return, and the jitter spreads the reconnects of the clients it lost.
    /// </summary>
    public IReadOnlyList<TimeSpan> ReconnectDelays { get; set; } =
        [TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)];

    /// <summary>
    /// How long <see cref="ChatClient.SendAsync"/> repeats a send whose outcome is unknown (the
    /// connection lost under it, or <c>unavailable</c>) with the same clientMessageId before it
    /// gives up and throws; repeating it later with that id is still safe.
    /// </summary>
    public TimeSpan SendRetryWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The base address with a trailing slash, so relative routes append to its path.</summary>
    internal Uri Root => BaseAddress is { } address
        ? address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/")
        : throw new InvalidOperationException($"{nameof(ChatClientOptions)}.{nameof(BaseAddress)} is required");
}
