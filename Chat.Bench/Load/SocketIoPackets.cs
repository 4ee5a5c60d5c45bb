using System.Buffers;
using MessagePack;

namespace Chat.Bench.Load;

/// <summary>
/// Socket.IO v5 packets as its MessagePack parser (socket.io-msgpack-parser) puts them on the
/// wire: one binary Engine.IO message holding a map of <c>type</c>, <c>nsp</c>, <c>data</c> and,
/// for an event that wants an acknowledgement and for that acknowledgement, <c>id</c>. Written
/// and read with MessagePack's low-level writer and reader, as cheaply per message as the
/// SignalR clients' protocol code.
/// </summary>
public static class SocketIoPackets
{
    public const int Connect = 0;
    public const int Disconnect = 1;
    public const int Event = 2;
    public const int Ack = 3;
    public const int ConnectError = 4;

    private const string Namespace = "/";

    /// <summary>CONNECT to the main namespace, the first thing a client sends after Engine.IO's open.</summary>
    public static void WriteConnect(IBufferWriter<byte> output)
    {
        var writer = new MessagePackWriter(output);
        writer.WriteMapHeader(2);
        writer.Write("type");
        writer.Write(Connect);
        writer.Write("nsp");
        writer.Write(Namespace);
        writer.Flush();
    }

    /// <summary>EVENT <c>join</c> with the room's id, wanting acknowledgement <paramref name="id"/>.</summary>
    public static void WriteJoin(IBufferWriter<byte> output, int id, string roomId)
    {
        var writer = StartEvent(output, id, "join", arguments: 1);
        writer.Write(roomId);
        writer.Flush();
    }

    /// <summary>EVENT <c>send</c> with a text message for the room, wanting acknowledgement <paramref name="id"/>.</summary>
    public static void WriteSend(IBufferWriter<byte> output, int id, string roomId, string clientMessageId, string content)
    {
        var writer = StartEvent(output, id, "send", arguments: 1);
        writer.WriteMapHeader(4);
        writer.Write("roomId");
        writer.Write(roomId);
        writer.Write("clientMessageId");
        writer.Write(clientMessageId);
        writer.Write("type");
        writer.Write("text");
        writer.Write("content");
        writer.Write(content);
        writer.Flush();
    }

    /// <summary>
    /// Reads a packet from the server. For an EVENT named <c>message</c>, <see cref="Received.Content"/>
    /// is its payload's <c>content</c>; for an ACK, <see cref="Received.Id"/> says which send it answers.
    /// </summary>
    public static Received Read(ReadOnlyMemory<byte> packet)
    {
        var reader = new MessagePackReader(packet);
        int? type = null, id = null;
        ReadOnlySequence<byte>? data = null;
        var fields = reader.ReadMapHeader();
        for (var i = 0; i < fields; i++)
        {
            switch (reader.ReadString())
            {
                case "type":
                    type = reader.ReadInt32();
                    break;
                case "id":
                    id = reader.ReadInt32();
                    break;
                case "data":
                    // The fields may come in any order: the data is read once the type is known.
                    data = reader.ReadRaw();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        var kind = type ?? throw new MessagePackSerializationException("a Socket.IO packet without a type");
        var content = kind == Event && data is { } eventData ? MessageContent(eventData) : null;
        return new Received(kind, id, content);
    }

    private static MessagePackWriter StartEvent(IBufferWriter<byte> output, int id, string name, int arguments)
    {
        var writer = new MessagePackWriter(output);
        writer.WriteMapHeader(4);
        writer.Write("type");
        writer.Write(Event);
        writer.Write("nsp");
        writer.Write(Namespace);
        writer.Write("id");
        writer.Write(id);
        writer.Write("data");
        writer.WriteArrayHeader(1 + arguments);
        writer.Write(name);
        return writer;
    }

    /// <summary>The <c>content</c> of a <c>message</c> event's payload, or null for any other event.</summary>
    private static string? MessageContent(ReadOnlySequence<byte> data)
    {
        var reader = new MessagePackReader(data);
        if (reader.ReadArrayHeader() < 2 || reader.ReadString() != "message")
        {
            return null;
        }

        var fields = reader.ReadMapHeader();
        for (var i = 0; i < fields; i++)
        {
            if (reader.ReadString() == "content")
            {
                return reader.ReadString();
            }

            reader.Skip();
        }

        return null;
    }

    /// <summary>What the client needs of a server packet.</summary>
    public readonly record struct Received(int Type, int? Id, string? Content);
}
