namespace Chat.Data.Writing;

/// <summary>Stores sent messages: assigns each its room's next seq and answers once it is committed.</summary>
public interface IMessageWriter
{
    /// <summary>
    /// Stores <paramref name="message"/>, or finds the one the sender already stored under the same
    /// client message id (<see cref="AppendResult.Duplicate"/>). Null when the room does not exist.
    /// Completes only after the transaction that holds the message has committed.
    /// </summary>
    /// <param name="message">The message to store.</param>
    /// <param name="permission">
    /// The sender's right to post, asked inside the storing transaction (see <see cref="ISendPermission"/>);
    /// what it throws is what this call throws. Null for messages the service writes itself.
    /// </param>
    /// <param name="queued">
    /// Called once the message has its place in the order of storing: a message appended after
    /// that call is numbered after this one in the same room. Not called if appending fails first.
    /// </param>
    /// <param name="cancellationToken">Cancels the wait for room in the queue; a queued message is stored either way.</param>
    /// <exception cref="MessageWriterStoppedException">The node is shutting down and takes no more messages.</exception>
    Task<AppendResult?> AppendAsync(
        NewMessage message, ISendPermission? permission = null, Action? queued = null, CancellationToken cancellationToken = default);
}
