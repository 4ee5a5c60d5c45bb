using System.Buffers;
using Chat.Bench.Load;
using MessagePack;

namespace Chat.Tests.Unit;

/// <summary>
/// The bench's Socket.IO packets against the shape socket.io-msgpack-parser gives them: a map
/// whose fields may come in any order. (The bench test runs the client against the real server.)
/// </summary>
public sealed class SocketIoPacketsTests
{
    [Fact]
    public void A_message_event_yields_its_content_whatever_the_order_of_the_fields()
    {
        var packet = Pack((ref MessagePackWriter writer) =>
        {
            writer.WriteMapHeader(3);
            writer.Write("data");
            writer.WriteArrayHeader(2);
            writer.Write("message");
            writer.WriteMapHeader(3);
            writer.Write("seq");
            writer.Write(7);
            writer.Write("content");
            writer.Write("123 hello");
            writer.Write("reactions");
            writer.WriteMapHeader(0);
            writer.Write("nsp");
            writer.Write("/");
            writer.Write("type");
            writer.Write(SocketIoPackets.Event);
        });

        var received = SocketIoPackets.Read(packet);

        Assert.Equal(SocketIoPackets.Event, received.Type);
        Assert.Equal("123 hello", received.Content);
        Assert.Null(received.Id);
    }

    [Fact]
    public void An_acknowledgement_names_the_send_it_answers_and_another_event_has_no_content()
    {
        var ack = SocketIoPackets.Read(Pack((ref MessagePackWriter writer) =>
        {
            writer.WriteMapHeader(4);
            writer.Write("type");
            writer.Write(SocketIoPackets.Ack);
            writer.Write("data");
            writer.WriteArrayHeader(1);
            writer.WriteMapHeader(1);
            writer.Write("seq");
            writer.Write(1);
            writer.Write("nsp");
            writer.Write("/");
            writer.Write("id");
            writer.Write(42);
        }));
        var other = SocketIoPackets.Read(Pack((ref MessagePackWriter writer) =>
        {
            writer.WriteMapHeader(2);
            writer.Write("type");
            writer.Write(SocketIoPackets.Event);
            writer.Write("data");
            writer.WriteArrayHeader(2);
            writer.Write("typing");
            writer.Write("someone");
        }));

        Assert.Equal((SocketIoPackets.Ack, 42), (ack.Type, ack.Id));
        Assert.Null(other.Content);
    }

    [Fact]
    public void A_send_is_an_event_on_the_main_namespace_with_its_acknowledgement_id_and_the_message()
    {
        var output = new ArrayBufferWriter<byte>();

        SocketIoPackets.WriteSend(output, 5, "room-1", "client-1", "456 hi");

        var reader = new MessagePackReader(output.WrittenMemory);
        var fields = new Dictionary<string, object?>();
        for (var count = reader.ReadMapHeader(); count > 0; count--)
        {
            var key = reader.ReadString()!;
            fields[key] = key == "data" ? ReadSendData(ref reader) : key == "nsp" ? reader.ReadString() : reader.ReadInt32();
        }

        Assert.Equal(SocketIoPackets.Event, fields["type"]);
        Assert.Equal("/", fields["nsp"]);
        Assert.Equal(5, fields["id"]);
        Assert.Equal("send room-1 client-1 text 456 hi", fields["data"]);
    }

    private static string ReadSendData(ref MessagePackReader reader)
    {
        Assert.Equal(2, reader.ReadArrayHeader());
        var parts = new List<string> { reader.ReadString()! };
        for (var count = reader.ReadMapHeader(); count > 0; count--)
        {
            reader.ReadString();
            parts.Add(reader.ReadString()!);
        }

        return string.Join(' ', parts);
    }

    private delegate void PackWith(ref MessagePackWriter writer);

    private static ReadOnlyMemory<byte> Pack(PackWith write)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(output);
        write(ref writer);
        writer.Flush();
        return output.WrittenMemory;
    }
}
