namespace Chat.Bench.Targets;

/// <summary>What a target's clients speak.</summary>
public enum TargetWire
{
    /// <summary>SignalR over a WebSocket, in the protocol the run asks for (the chat service and the bare hub).</summary>
    SignalR,

    /// <summary>Engine.IO v4 / Socket.IO v5 over a WebSocket with the MessagePack parser.</summary>
    SocketIo,
}
