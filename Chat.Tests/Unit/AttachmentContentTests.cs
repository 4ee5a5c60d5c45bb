using System.Text;
using Chat.Hubs.Attachments;

namespace Chat.Tests.Unit;

public sealed class AttachmentContentTests
{
    public static TheoryData<byte[], string> Signatures => new()
    {
        { [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00], "image/png" },
        { [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46], "image/jpeg" },
        { Encoding.ASCII.GetBytes("GIF89a\x01\x00\x01\x00"), "image/gif" },
        { Encoding.ASCII.GetBytes("GIF87a\x01\x00\x01\x00"), "image/gif" },
        { Encoding.ASCII.GetBytes("RIFF\x24\x00\x00\x00WEBPVP8 "), "image/webp" },
        { Encoding.ASCII.GetBytes("%PDF-1.4\n%"), "application/pdf" },
        { [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00], "application/zip" },
        { [0x50, 0x4B, 0x05, 0x06, 0x00, 0x00], "application/zip" },
        { Encoding.UTF8.GetBytes("Grüße aus Köln\r\n\tzweite Zeile 😀"), "text/plain; charset=utf-8" },
        { [0xEF, 0xBB, 0xBF, .. "with a byte order mark"u8], "text/plain; charset=utf-8" },
        // A WAV file is RIFF too, but not an image.
        { Encoding.ASCII.GetBytes("RIFF\x24\x00\x00\x00WAVEfmt "), "application/octet-stream" },
        { [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00], "application/octet-stream" },
        { [0xC3, 0x28, 0x61, 0x62], "application/octet-stream" },
        { Encoding.ASCII.GetBytes("text with a bell \a in it"), "application/octet-stream" },
    };

    [Theory]
    [MemberData(nameof(Signatures))]
    public void Content_types_come_from_the_first_bytes(byte[] content, string expected) =>
        Assert.Equal(expected, ContentSniffer.Sniff(content, complete: true));

    [Fact]
    public void Svg_and_html_are_plain_text_never_an_image_or_a_page()
    {
        Assert.Equal(ContentSniffer.Text, ContentSniffer.Sniff("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"u8, complete: true));
        Assert.Equal(ContentSniffer.Text, ContentSniffer.Sniff("<!doctype html><script>alert(1)</script>"u8, complete: true));
        Assert.False(ContentSniffer.IsImage(ContentSniffer.Text));
    }

    [Fact]
    public void A_character_cut_off_at_the_end_of_the_prefix_is_still_text_but_not_at_the_end_of_the_file()
    {
        var cut = Encoding.UTF8.GetBytes("naïve café")[..^1];

        Assert.Equal(ContentSniffer.Text, ContentSniffer.Sniff(cut, complete: false));
        Assert.Equal(ContentSniffer.Binary, ContentSniffer.Sniff(cut, complete: true));
    }

    [Fact]
    public async Task Sniffing_a_stream_reads_a_bounded_prefix()
    {
        var text = Encoding.UTF8.GetBytes(new string('a', ContentSniffer.PrefixLength * 3) + "\0");
        using var stream = new MemoryStream(text);

        var type = await ContentSniffer.SniffAsync(stream, text.Length);

        // The NUL lies past the prefix: a file is judged by its start, as the name says.
        Assert.Equal(ContentSniffer.Text, type);
        Assert.Equal(ContentSniffer.PrefixLength, stream.Position);
    }

    [Theory]
    [InlineData("photo.png", "photo.png")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData(@"C:\Users\alice\Desktop\report.pdf", "report.pdf")]
    [InlineData("  spaced out.txt  ", "spaced out.txt")]
    [InlineData("bell\a\r\nnew line.txt", "bellnew line.txt")]
    [InlineData("invoice\u202Efdp.exe", "invoicefdp.exe")]
    [InlineData("zero\u200Bwidth.txt", "zerowidth.txt")]
    [InlineData("résumé \"final\".pdf", "résumé \"final\".pdf")]
    [InlineData("folder/", "file")]
    [InlineData("..", "file")]
    [InlineData("", "file")]
    [InlineData(null, "file")]
    public void File_names_keep_only_their_last_segment_without_controls(string? name, string expected) =>
        Assert.Equal(expected, AttachmentFileName.Clean(name));

    [Fact]
    public void Long_file_names_are_shortened_keeping_their_extension_and_whole_characters()
    {
        var name = string.Concat(Enumerable.Repeat("😀", 200)) + ".jpeg";

        var cleaned = AttachmentFileName.Clean(name);

        Assert.True(cleaned.Length <= AttachmentFileName.MaxLength, $"{cleaned.Length} characters");
        Assert.EndsWith("😀.jpeg", cleaned);
        Assert.DoesNotContain(Rune.ReplacementChar, cleaned.EnumerateRunes());
    }
}
