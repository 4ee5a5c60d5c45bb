using System.ComponentModel.DataAnnotations;

namespace Chat.Hubs.Retention;

/// <summary>How often and how gently old messages, and uploads no message took up, are purged.</summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Retention";

    /// <summary>Seconds between purge passes.</summary>
    [Range(1, 86_400)]
    public int IntervalSeconds { get; set; } = 3600;

    /// <summary>Messages deleted per statement: small, so no statement holds the table's locks for long.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>
    /// How long an upload may wait for a message to carry it before a pass deletes it. Long enough
    /// for a client to upload, lose its connection and send after reconnecting.
    /// </summary>
    [Range(60, 30 * 86_400)]
    public int UnusedUploadSeconds { get; set; } = 86_400;
}
