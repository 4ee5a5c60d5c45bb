using System.ComponentModel.DataAnnotations;

namespace Chat.Data.Writing;

/// <summary>How sent messages reach the database.</summary>
public sealed class MessageWriterOptions
{
    public const string SectionName = "MessageWriter";

    /// <summary><see cref="MessageWriteMode.Batched"/> (group commit) or the one-transaction-per-message path.</summary>
    public MessageWriteMode Mode { get; set; } = MessageWriteMode.Batched;

    /// <summary>The most messages one transaction stores.</summary>
    [Range(1, 10_000)]
    public int MaxBatchSize { get; set; } = 512;

    /// <summary>
    /// How long a batch waits for more messages after its first one before it is written. Zero
    /// (the default) writes at once what queued while the previous batch was being stored: the
    /// batches still grow with the load, and a quiet room's message does not wait for company.
    /// </summary>
    [Range(0, 1_000)]
    public int MaxDelayMilliseconds { get; set; }

    /// <summary>
    /// How many full batches may be in flight at once, each in its own transaction: when sends
    /// come faster than one transaction stores them, the next full batch does not wait for the
    /// last one's commit. A partial batch always waits (see <see cref="BatchedMessageWriter"/>).
    /// Batches that share a room take turns on the room's row lock, so seqs stay gap-free.
    /// </summary>
    [Range(1, 64)]
    public int Writers { get; set; } = 4;
}

/// <summary>How sends are grouped into transactions.</summary>
public enum MessageWriteMode
{
    /// <summary>Sends from all connections share a transaction, a few milliseconds' worth at a time.</summary>
    Batched,

    /// <summary>Each send is its own transaction: simpler, and kept to compare against.</summary>
    PerMessage,
}
