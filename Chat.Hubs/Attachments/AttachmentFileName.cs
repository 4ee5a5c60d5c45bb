using System.Globalization;
using System.Text;

namespace Chat.Hubs.Attachments;

/// <summary>
/// Cleans the file name a client sends before it is stored and shown to other members: no path,
/// no characters that could forge what the name looks like, and a bounded length.
/// </summary>
public static class AttachmentFileName
{
    /// <summary>What most file systems accept as one name.</summary>
    public const int MaxLength = 255;

    /// <summary>The name used when nothing usable is left.</summary>
    public const string Fallback = "file";

    /// <summary>The longest extension kept when a long name is shortened.</summary>
    private const int MaxExtensionLength = 16;

    public static string Clean(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return Fallback;
        }

        // Either separator: a name from Windows arrives as C:\Users\me\photo.png.
        var lastSegment = name[(name.LastIndexOfAny(['/', '\\']) + 1)..];
        var cleaned = new StringBuilder(lastSegment.Length);
        foreach (var rune in lastSegment.EnumerateRunes())
        {
            // Controls could break a header or a log line; format characters such as the
            // right-to-left override can disguise "photo\u202Egnp.exe" as "photoexe.png".
            var category = Rune.GetUnicodeCategory(rune);
            if (category is not (UnicodeCategory.Control or UnicodeCategory.Format))
            {
                cleaned.Append(rune.ToString());
            }
        }

        var result = Truncate(cleaned.ToString().Trim());
        return result is "" or "." or ".." ? Fallback : result;
    }

    // Shortens the stem and keeps a short extension, which is what tells the reader the kind of file.
    private static string Truncate(string name)
    {
        if (name.Length <= MaxLength)
        {
            return name;
        }

        var extension = Path.GetExtension(name);
        if (extension.Length > MaxExtensionLength)
        {
            extension = "";
        }

        return Prefix(name[..^extension.Length], MaxLength - extension.Length).TrimEnd() + extension;
    }

    // The longest start of the text that fits, cut on a text element boundary so that neither a
    // surrogate pair nor a combined character is split.
    private static string Prefix(string text, int maxLength)
    {
        var length = 0;
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            var next = length + elements.GetTextElement().Length;
            if (next > maxLength)
            {
                break;
            }

            length = next;
        }

        return text[..length];
    }
}
