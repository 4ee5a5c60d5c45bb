using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Chat.Hubs.Outgoing;

/// <summary>
/// One connection's hub protocol: the shared protocol, plus a note of what only the protocol
/// sees of a stateful-reconnect client, the version it asked for in the handshake and each
/// acknowledgement it sends, for the connection's <see cref="QueuedConnection"/>.
/// </summary>
/// <remarks>
/// SignalR hands acknowledgements to the connection's replay buffer internally and tells the
/// application nothing; the protocol is the one place they pass through that a connection owns.
/// </remarks>
internal sealed class AckTrackingProtocol(IHubProtocol inner) : IHubProtocol
{
    private int clientVersion;

    /// <summary>The protocol version the client's handshake asked for; stateful reconnect needs 2 or more.</summary>
    public int ClientVersion => Volatile.Read(ref clientVersion);

    /// <summary>Called on the connection's receive loop for each acknowledgement the client sends.</summary>
    public Action? Acknowledged { get; set; }

    public string Name => inner.Name;

    public int Version => inner.Version;

    public TransferFormat TransferFormat => inner.TransferFormat;

    // SignalR asks this exactly once, in the handshake, with the version the client asked for.
    public bool IsVersionSupported(int version)
    {
        Volatile.Write(ref clientVersion, version);
        return inner.IsVersionSupported(version);
    }

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message)
    {
        if (!inner.TryParseMessage(ref input, binder, out message))
        {
            return false;
        }

        if (message is AckMessage)
        {
            Acknowledged?.Invoke();
        }

        return true;
    }

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => inner.WriteMessage(message, output);

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => inner.GetMessageBytes(message);
}
