using System.ComponentModel.DataAnnotations;

namespace Chat.Hubs.Receipts;

/// <summary>How receipt pointers are written to the database.</summary>
public sealed class ReceiptOptions
{
    public const string SectionName = "Receipts";

    /// <summary>
    /// How often the pointers that moved are written, all in one statement. Longer means fewer
    /// writes in busy rooms; what is pending is written on a graceful stop either way.
    /// </summary>
    [Range(10, 60_000)]
    public int FlushIntervalMilliseconds { get; set; } = 250;

    /// <summary>How long a member's pointers stay in memory after their last move.</summary>
    [Range(1, 86_400)]
    public int IdleSeconds { get; set; } = 300;
}
