namespace Chat.Data;

/// <summary>
/// Enums are stored as their lowercase names, the same text as on the wire, so that the rows
/// read well in psql. Dapper would otherwise send enum parameters as integers.
/// </summary>
internal static class DbText
{
    public static string Of<T>(T value)
        where T : struct, Enum => EnumText<T>.Names[value];

    private static class EnumText<T>
        where T : struct, Enum
    {
        public static readonly Dictionary<T, string> Names =
            Enum.GetValues<T>().ToDictionary(v => v, v => v.ToString().ToLowerInvariant());
    }
}
