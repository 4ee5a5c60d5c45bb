using System.Text.Json;
using Chat.Contracts;
using Chat.Contracts.Serialization;
using MessagePack;

namespace Chat.Tests.Unit;

public sealed class WireFormatTests
{
    private static readonly MessageDto Message = new(
        Guid.CreateVersion7(),
        Guid.NewGuid(),
        7,
        Guid.NewGuid(),
        "Alice",
        MessageType.Text,
        "hi",
        ToUserId: null,
        ReplyToId: null,
        Attachment: null,
        Metadata: new Dictionary<string, string> { ["Client"] = "web" },
        Reactions: new Dictionary<string, int> { ["👍"] = 2 },
        SentAt: new DateTime(2026, 11, 23, 9, 0, 0, DateTimeKind.Utc),
        EditedAt: null,
        Deleted: false);

    [Fact]
    public void MessagePack_writes_camel_case_keys_lowercase_enums_uuid_strings_and_timestamps()
    {
        var bytes = MessagePackSerializer.Serialize(Message, ChatSerialization.MessagePackOptions);
        var reader = new MessagePackReader(bytes);

        var fields = new Dictionary<string, object?>();
        var count = reader.ReadMapHeader();
        for (var i = 0; i < count; i++)
        {
            var key = reader.ReadString()!;
            fields[key] = key switch
            {
                "id" or "type" or "content" or "senderName" or "status" => reader.ReadString(),
                "sentAt" => reader.ReadDateTime(),
                _ => Skip(ref reader),
            };
        }

        Assert.Equal(
            ["id", "roomId", "seq", "senderId", "senderName", "type", "content", "toUserId", "replyToId", "attachment",
             "metadata", "reactions", "sentAt", "editedAt", "deleted", "status", "parts", "streamIndex", "error",
             "threadRootId", "alsoToRoom", "thread", "mentions", "mentionsRoom", "pinned"],
            fields.Keys);
        Assert.Equal("text", fields["type"]);
        Assert.Equal("complete", fields["status"]);
        Assert.Equal(Message.Id.ToString(), fields["id"]);
        Assert.Equal(Message.SentAt, fields["sentAt"]);
    }

    [Fact]
    public void MessagePack_round_trips_a_message_and_keeps_metadata_keys_as_sent()
    {
        var bytes = MessagePackSerializer.Serialize(Message, ChatSerialization.MessagePackOptions);

        var back = MessagePackSerializer.Deserialize<MessageDto>(bytes, ChatSerialization.MessagePackOptions);

        Assert.Equal(Message.Id, back.Id);
        Assert.Equal(Message.Seq, back.Seq);
        Assert.Equal(MessageType.Text, back.Type);
        Assert.Equal(DateTimeKind.Utc, back.SentAt.Kind);
        Assert.Equal("web", back.Metadata!["Client"]);
        Assert.Equal(2, back.Reactions["👍"]);
    }

    [Fact]
    public void Json_uses_the_same_names_and_enum_strings()
    {
        var options = new JsonSerializerOptions();
        ChatSerialization.ConfigureJson(options);

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(Message, options));

        Assert.Equal("text", json.RootElement.GetProperty("type").GetString());
        Assert.Equal(7, json.RootElement.GetProperty("seq").GetInt64());
        Assert.Equal("web", json.RootElement.GetProperty("metadata").GetProperty("Client").GetString());
        Assert.Equal("2026-11-23T09:00:00Z", json.RootElement.GetProperty("sentAt").GetString());
    }

    [Theory]
    [InlineData(PresenceStatus.Dnd, "dnd")]
    [InlineData(RoomRole.Moderator, "moderator")]
    [InlineData(GlobalRole.Guest, "guest")]
    public void Enums_travel_as_lowercase_strings_in_MessagePack(object value, string expected)
    {
        var bytes = MessagePackSerializer.Serialize(value.GetType(), value, ChatSerialization.MessagePackOptions);

        Assert.Equal(expected, MessagePackSerializer.Deserialize<string>(bytes));
        Assert.Equal(value, MessagePackSerializer.Deserialize(value.GetType(), bytes, ChatSerialization.MessagePackOptions));
    }

    [Fact]
    public void An_unknown_enum_name_is_refused_not_guessed()
    {
        var bytes = MessagePackSerializer.Serialize("sleeping");

        Assert.Throws<MessagePackSerializationException>(() =>
            MessagePackSerializer.Deserialize<PresenceStatus>(bytes, ChatSerialization.MessagePackOptions));
    }

    private static object? Skip(ref MessagePackReader reader)
    {
        reader.Skip();
        return null;
    }
}
