namespace Chat.Data.Writing;

/// <summary>Stores sent messages: assigns each its room's next seq and answers once it is committed.</summary>
public interface IMessageWriter
{
    /// <summary>
    /// Stores <paramref name="message"/>, or finds the one the sender already stored under the same
    /// client message id (<see cref="AppendResult.Duplicate"/>). Null when the room does not exist.
    /// Completes only after the transaction that holds the message has committed.
    /// </summary>
    /// <exception cref="MessageWriterStoppedException">The node is shutting down and takes no more messages.</exception>
    Task<AppendResult?> AppendAsync(NewMessage message, CancellationToken cancellationToken = default);
}
