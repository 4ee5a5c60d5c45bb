namespace Chat.Data.Writing;

/// <summary>
/// The sender's right to post a message, decided inside the transaction that stores it: the room's
/// row is locked and the standing read in that transaction, so a ban, a kick or a settings change
/// that committed first is always seen, and one that comes later waits for this commit.
/// </summary>
/// <remarks>
/// Deciding here rather than before queueing spares PostgreSQL a query per send: a batch reads the
/// standings of all its senders at once. A writer may ask again for the same message (a batch the
/// database refused is retried one by one), so an implementation must not count a second ask twice.
/// </remarks>
public interface ISendAdmission
{
    /// <summary>Returns to admit the message; throws the error its sender is to get to refuse it alone.</summary>
    void Admit(RoomStanding standing);
}
