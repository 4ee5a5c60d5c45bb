namespace Chat.Data.Writing;

/// <summary>
/// The sender's permission to post a message, checked inside the transaction that stores it: the
/// room's row is locked and the sender's state in the room read in that transaction, so a ban, a
/// kick or a settings change that committed first is always seen, and one that comes later waits
/// for this commit.
/// </summary>
/// <remarks>
/// Checking here rather than before queueing spares PostgreSQL a query per send: a batch reads the
/// states of all its senders at once. A writer may check the same message again (a batch the
/// database refused is retried one by one), so an implementation must not count a second check twice.
/// </remarks>
public interface ISendPermission
{
    /// <summary>Returns to let the message be stored; throws the error its sender is to get to refuse it alone.</summary>
    void EnsureAllowed(UserRoomState state);
}
