namespace Chat.Data;

/// <summary>
/// Enums are stored as their lowercase names, the same text as on the wire, so that the rows
/// read well in psql. Dapper would otherwise send enum parameters as integers.
/// </summary>
internal static class DbText
{
    public static string Of<T>(T value)
        where T : struct, Enum => EnumText<T>.Names[value];

    /// <summary>The value stored as <paramref name="text"/>, for readers that map rows by hand.</summary>
    public static T Parse<T>(string text)
        where T : struct, Enum =>
        EnumText<T>.Values.TryGetValue(text, out var value)
            ? value
            : throw new FormatException($"'{text}' is not a {typeof(T).Name}");

    private static class EnumText<T>
        where T : struct, Enum
    {
        public static readonly Dictionary<T, string> Names =
            Enum.GetValues<T>().ToDictionary(v => v, v => v.ToString().ToLowerInvariant());

        public static readonly Dictionary<string, T> Values =
            Names.ToDictionary(n => n.Value, n => n.Key, StringComparer.OrdinalIgnoreCase);
    }
}
