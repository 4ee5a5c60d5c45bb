using System.Buffers;
using Chat.Contracts;
using FluentValidation;

namespace Chat.Hubs.Errors;

/// <summary>
/// What text a field may hold, the same through both doors: no NUL or other C0 control characters
/// (PostgreSQL refuses NUL in text, and the rest have no place in chat), except line breaks and
/// tabs in message content; names also no bidi overrides or invisible characters, which make one
/// name pass for another.
/// </summary>
public static class TextRules
{
    private const string ContentMessage = "must not contain control characters other than line breaks and tabs";
    private const string PlainMessage = "must not contain control characters";
    private const string NameMessage = "must not contain control, direction-changing or invisible characters";

    private static readonly SearchValues<char> NotInContent = SearchValues.Create(C0Except("\n\t"));
    private static readonly SearchValues<char> NotInPlainText = SearchValues.Create(C0Except(""));
    private static readonly SearchValues<char> NotInNames = SearchValues.Create(
        C0Except("") + "\u061C\u200B\u200C\u200D\u200E\u200F\u202A\u202B\u202C\u202D\u202E\u2060\u2066\u2067\u2068\u2069\uFEFF");

    /// <summary>Message content: any text but control characters, line breaks and tabs allowed.</summary>
    public static bool IsContent(string? text) => text is null || !text.AsSpan().ContainsAny(NotInContent);

    /// <summary>A one-line text field (topic, reason, metadata, a search): no control characters.</summary>
    public static bool IsPlainText(string? text) => text is null || !text.AsSpan().ContainsAny(NotInPlainText);

    /// <summary>A name people are recognised by (user, display, room): plain text without bidi or invisible characters.</summary>
    public static bool IsName(string? text) => text is null || !text.AsSpan().ContainsAny(NotInNames);

    /// <summary>The rule of message content, for a FluentValidation rule.</summary>
    public static IRuleBuilderOptions<T, string?> MustBeContent<T>(this IRuleBuilder<T, string?> rule, string field) =>
        rule.Must(IsContent).WithMessage($"{field} {ContentMessage}");

    /// <summary>The rule of a one-line text field, for a FluentValidation rule.</summary>
    public static IRuleBuilderOptions<T, string?> MustBePlainText<T>(this IRuleBuilder<T, string?> rule, string field) =>
        rule.Must(IsPlainText).WithMessage($"{field} {PlainMessage}");

    /// <summary>The rule of a name, for a FluentValidation rule.</summary>
    public static IRuleBuilderOptions<T, string?> MustBeName<T>(this IRuleBuilder<T, string?> rule, string field) =>
        rule.Must(IsName).WithMessage($"{field} {NameMessage}");

    /// <summary>Refuses content outside the rule with <c>invalid</c> and a field error, for checks made by hand.</summary>
    public static void EnsureContent(string? text, string field)
    {
        if (!IsContent(text))
        {
            throw Invalid(field, $"{field} {ContentMessage}");
        }
    }

    private static ChatException Invalid(string field, string message) => ChatException.Invalid(field, message);

    private static string C0Except(string kept) =>
        new([.. Enumerable.Range(0, 0x20).Select(c => (char)c).Where(c => !kept.Contains(c))]);
}
