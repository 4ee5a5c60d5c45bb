using System.Data.Common;
using Dapper;
using Npgsql;

namespace Chat.Data;

/// <summary>
/// Each room's message sequence, <c>rooms.last_seq</c>: every stored message takes its seq here,
/// whether it is stored alone (<see cref="NextAsync"/>) or in a batch (<see cref="LockCommand"/>,
/// <see cref="Next"/>, <see cref="SetLast"/>).
/// </summary>
/// <remarks>
/// Whoever numbers a room's messages holds the room row's lock until its commit, so concurrent
/// writers of one room take turns: seqs are gap-free (a rolled-back bump is undone with its rows)
/// and no resend can slip in between a look-up and an insert. Locks are taken in room id order,
/// so two nodes' batches never deadlock on each other.
/// </remarks>
internal static class RoomSequence
{
    private const string Bump = "update rooms set last_seq = last_seq + 1 where id = @RoomId returning last_seq";

    private const string Lock = "select id, last_seq from rooms where id = any(@RoomIds) order by id for update";

    /// <summary>
    /// Writes back a batch's last seq per room, from parameters <c>@LastSeqRoomIds</c> and
    /// <c>@LastSeqs</c> (see <see cref="SetLastParameters"/>); a statement of its own or a CTE.
    /// </summary>
    public const string SetLast = """
        update rooms r set last_seq = b.last_seq
        from unnest(@LastSeqRoomIds, @LastSeqs) as b(id, last_seq)
        where r.id = b.id
        """;

    /// <summary>The room's next seq, taken in <paramref name="transaction"/>; null when the room does not exist.</summary>
    public static Task<long?> NextAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid roomId, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<long?>(
            new CommandDefinition(Bump, new { RoomId = roomId }, transaction, cancellationToken: cancellationToken));

    /// <summary>Locks the rooms until the transaction ends and reads each one's last seq (see <see cref="ReadLastAsync"/>).</summary>
    public static NpgsqlBatchCommand LockCommand(Guid[] roomIds) =>
        new(Lock) { Parameters = { new NpgsqlParameter("RoomIds", roomIds) } };

    /// <summary>The last seq of each locked room, from a reader positioned on <see cref="LockCommand"/>'s result; a room that is gone has none.</summary>
    public static async Task<Dictionary<Guid, long>> ReadLastAsync(DbDataReader reader, int capacity, CancellationToken cancellationToken)
    {
        var lastSeqs = new Dictionary<Guid, long>(capacity);
        while (await reader.ReadAsync(cancellationToken))
        {
            lastSeqs[reader.GetGuid(0)] = reader.GetInt64(1);
        }

        return lastSeqs;
    }

    /// <summary>Hands out the next seq of a locked room, keeping <paramref name="lastSeqs"/> at the last one given.</summary>
    public static long Next(Dictionary<Guid, long> lastSeqs, Guid roomId) => lastSeqs[roomId] = lastSeqs[roomId] + 1;

    /// <summary>The parameters of <see cref="SetLast"/> for the rooms whose seqs changed.</summary>
    public static NpgsqlParameter[] SetLastParameters(IReadOnlyDictionary<Guid, long> lastSeqs) =>
    [
        new("LastSeqRoomIds", lastSeqs.Keys.ToArray()),
        new("LastSeqs", lastSeqs.Values.ToArray()),
    ];
}
