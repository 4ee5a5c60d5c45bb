using System.Globalization;
using System.Net;
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

    [Theory]
    [InlineData("142.250.74.110", true)]
    [InlineData("2a00:1450:4001:82b::200a", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.0.0.5", false)]
    [InlineData("172.20.1.1", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("::ffff:8.8.8.8", true)]
    public void Pushes_go_to_public_addresses_only(string address, bool isPublic)
    {
        Assert.Equal(isPublic, PublicAddresses.IsPublic(IPAddress.Parse(address)));
    }

    private static StoredMessage Message(string content, MessageType type = MessageType.Text) =>
        new() { Id = Guid.NewGuid(), RoomId = Guid.NewGuid(), SenderName = "alice", Type = type, Content = content };
}
