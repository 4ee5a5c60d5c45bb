using System.Globalization;
using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Notifications;

namespace Chat.Tests.Unit;

public sealed class PushPreviewTests
{
    [Fact]
    public void A_preview_is_the_text_on_one_line()
    {
        Assert.Equal("see you at 8 ok?", PushNotification.PreviewOf(Message("  see you\n\nat 8\t ok?  ")));
    }

    [Fact]
    public void A_long_preview_is_cut_between_text_elements_and_ends_with_an_ellipsis()
    {
        const string thumbsUp = "\U0001F44D\U0001F3FD";

        var preview = PushNotification.PreviewOf(Message(string.Concat(Enumerable.Repeat(thumbsUp, 200))));

        var elements = new StringInfo(preview);
        Assert.Equal(PushNotification.MaxPreviewLength, elements.LengthInTextElements);
        Assert.Equal(thumbsUp, elements.SubstringByTextElements(118, 1));
        Assert.EndsWith("…", preview, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_without_words_shows_its_kind()
    {
        Assert.Equal("[image]", PushNotification.PreviewOf(Message("", MessageType.Image)));
        Assert.Equal("[file]", PushNotification.PreviewOf(Message("", MessageType.File)));
    }

    private static StoredMessage Message(string content, MessageType type = MessageType.Text) =>
        new() { Id = Guid.NewGuid(), RoomId = Guid.NewGuid(), SenderName = "alice", Type = type, Content = content };
}
