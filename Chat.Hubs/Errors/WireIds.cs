namespace Chat.Hubs.Errors;

/// <summary>Reads ids that arrive as text, refusing malformed ones with <c>invalid</c>.</summary>
public static class WireIds
{
    public static Guid Parse(string? value, string field) =>
        Guid.TryParse(value, out var id) ? id : throw ChatException.Invalid($"{field} must be a UUID");

    public static Guid? ParseOptional(string? value, string field) =>
        string.IsNullOrEmpty(value) ? null : Parse(value, field);
}
