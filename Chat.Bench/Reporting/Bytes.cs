using System.Globalization;

namespace Chat.Bench.Reporting;

/// <summary>Byte counts for people: 1.5 GiB, 12.0 KiB.</summary>
public static class Bytes
{
    public static string Format(double bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (1L << 30)).ToString("F2", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (1L << 20)).ToString("F1", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (1L << 10)).ToString("F1", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString("F0", CultureInfo.InvariantCulture) + " B",
    };
}
