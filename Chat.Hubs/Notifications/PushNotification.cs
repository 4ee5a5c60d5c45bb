using System.Globalization;
using System.Text;
using System.Text.Json;
using Chat.Contracts.Serialization;
using Chat.Data;

namespace Chat.Hubs.Notifications;

/// <summary>Why a user is told of a message while away; the payload carries it as <c>kind</c>.</summary>
public enum NotificationKind
{
    /// <summary>A private message to the user (<c>toUserId</c>).</summary>
    Private,

    /// <summary>The message mentions the user.</summary>
    Mention,

    /// <summary>A reply in a thread the user takes part in.</summary>
    Thread,
}

/// <summary>
/// What a browser's service worker receives, decrypted: the room, how many messages came since
/// the last push of that room, and the latest of them.
/// </summary>
public sealed record PushNotification(
    Guid RoomId, string RoomName, int Count, NotificationKind Kind, Guid MessageId, string SenderName, string Preview)
{
    /// <summary>The preview is cut to this many characters (text elements), the ellipsis included.</summary>
    public const int MaxPreviewLength = 120;

    private static readonly JsonSerializerOptions Json = ChatSerialization.Json;

    /// <summary>The notification of <paramref name="message"/> in the room called <paramref name="roomName"/>, counting one.</summary>
    public static PushNotification Of(StoredMessage message, string roomName, NotificationKind kind) =>
        new(message.RoomId, roomName, 1, kind, message.Id, message.SenderName, PreviewOf(message));

    /// <summary>The payload as the browser reads it: camelCase JSON, <c>kind</c> in lower case.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static PushNotification? FromJson(string json) => JsonSerializer.Deserialize<PushNotification>(json, Json);

    /// <summary>
    /// The message's text on one line, cut to <see cref="MaxPreviewLength"/> text elements (an
    /// emoji or an accented letter is never split); a file or image without words shows its kind.
    /// </summary>
    public static string PreviewOf(StoredMessage message)
    {
        var text = string.Join(' ', message.Content.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (text.Length == 0)
        {
            return message.Type switch
            {
                Contracts.MessageType.Image => "[image]",
                Contracts.MessageType.File => "[file]",
                _ => "",
            };
        }

        if (text.Length <= MaxPreviewLength || new StringInfo(text).LengthInTextElements <= MaxPreviewLength)
        {
            return text;
        }

        var cut = new StringBuilder();
        var enumerator = StringInfo.GetTextElementEnumerator(text);
        for (var i = 0; i < MaxPreviewLength - 1 && enumerator.MoveNext(); i++)
        {
            cut.Append(enumerator.GetTextElement());
        }

        return cut.ToString().TrimEnd() + "…";
    }
}
