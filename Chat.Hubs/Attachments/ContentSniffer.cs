using System.Buffers;
using System.Text;

namespace Chat.Hubs.Attachments;

/// <summary>
/// Decides a file's content type from its first bytes. The type a client declares is never
/// trusted: a browser shown "image/png" that is really HTML would run it on our origin.
/// </summary>
public static class ContentSniffer
{
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";
    public const string Gif = "image/gif";
    public const string WebP = "image/webp";
    public const string Pdf = "application/pdf";
    public const string Zip = "application/zip";
    public const string Text = "text/plain; charset=utf-8";
    public const string Binary = "application/octet-stream";

    /// <summary>How many leading bytes <see cref="Sniff"/> looks at.</summary>
    public const int PrefixLength = 8 * 1024;

    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] JpegSignature = [0xFF, 0xD8, 0xFF];
    private static readonly byte[] Gif87 = "GIF87a"u8.ToArray();
    private static readonly byte[] Gif89 = "GIF89a"u8.ToArray();
    private static readonly byte[] Riff = "RIFF"u8.ToArray();
    private static readonly byte[] WebPMarker = "WEBP"u8.ToArray();
    private static readonly byte[] PdfSignature = "%PDF-"u8.ToArray();
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    // Local file header, end of central directory (an empty archive), spanned archive marker.
    private static readonly byte[][] ZipSignatures = [[0x50, 0x4B, 0x03, 0x04], [0x50, 0x4B, 0x05, 0x06], [0x50, 0x4B, 0x07, 0x08]];

    /// <summary>The images a browser may show inline; everything else is offered as a download.</summary>
    public static bool IsImage(string contentType) => contentType is Png or Jpeg or Gif or WebP;

    /// <summary>
    /// The content type of a file that starts with <paramref name="prefix"/>.
    /// <paramref name="complete"/> says whether the prefix is the whole file, so that a UTF-8
    /// sequence cut off at its end is not mistaken for invalid text.
    /// </summary>
    public static string Sniff(ReadOnlySpan<byte> prefix, bool complete)
    {
        if (prefix.StartsWith(PngSignature))
        {
            return Png;
        }

        if (prefix.StartsWith(JpegSignature))
        {
            return Jpeg;
        }

        if (prefix.StartsWith(Gif87) || prefix.StartsWith(Gif89))
        {
            return Gif;
        }

        if (prefix.Length >= 12 && prefix.StartsWith(Riff) && prefix[8..12].SequenceEqual(WebPMarker))
        {
            return WebP;
        }

        if (prefix.StartsWith(PdfSignature))
        {
            return Pdf;
        }

        foreach (var zip in ZipSignatures)
        {
            if (prefix.StartsWith(zip))
            {
                return Zip;
            }
        }

        return IsPlainText(prefix, complete) ? Text : Binary;
    }

    /// <summary>Reads the start of <paramref name="content"/> and sniffs it; the stream is left where it was read to.</summary>
    public static async Task<string> SniffAsync(Stream content, long length, CancellationToken cancellationToken = default)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(PrefixLength);
        try
        {
            var read = await content.ReadAtLeastAsync(buffer.AsMemory(0, PrefixLength), PrefixLength, throwOnEndOfStream: false, cancellationToken);
            return Sniff(buffer.AsSpan(0, read), complete: read >= length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Valid UTF-8 without control characters other than the whitespace that text files hold.
    // NUL bytes and stray controls are what tell binary formats apart from text.
    private static bool IsPlainText(ReadOnlySpan<byte> prefix, bool complete)
    {
        if (prefix.StartsWith(Utf8Bom))
        {
            prefix = prefix[Utf8Bom.Length..];
        }

        while (!prefix.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(prefix, out var rune, out var consumed);
            if (status == OperationStatus.NeedMoreData)
            {
                return !complete;
            }

            if (status != OperationStatus.Done || IsControl(rune))
            {
                return false;
            }

            prefix = prefix[consumed..];
        }

        return true;
    }

    private static bool IsControl(Rune rune) =>
        rune.Value is '\t' or '\n' or '\r' or '\f' ? false : Rune.IsControl(rune);
}
