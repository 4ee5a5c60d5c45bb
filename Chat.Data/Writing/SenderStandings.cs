using System.Data.Common;
using Dapper;
using Npgsql;

namespace Chat.Data.Writing;

/// <summary>
/// Reads users' standing in rooms (the room's rules, a ban, the membership) with one query: the
/// writer's batch asks for all its senders inside its transaction, MembershipRepository for one.
/// </summary>
internal static class SenderStandings
{
    // The row: the sender, the room's standing from StandingStart, the membership after that.
    private const int SenderColumn = 0;
    private const int StandingStart = 1;

    private const string Read = $"""
        select k.user_id as sender_id,
               r.id, r.is_private, r.settings::text as settings, r.last_seq,
               exists (select 1 from room_bans b where b.room_id = r.id and b.user_id = k.user_id) as banned,
               {MembershipRepository.MemberColumns}
        from unnest(@RoomIds, @UserIds) as k(room_id, user_id)
        join rooms r on r.id = k.room_id
        left join room_members rm on rm.room_id = k.room_id and rm.user_id = k.user_id
        left join users u on u.id = rm.user_id
        """;

    // For a writer that has not locked the rooms yet: the standing is read under the same lock
    // the seq bump takes, so nothing can change it before the commit.
    private const string ReadLocked = Read + " for update of r";

    /// <summary>
    /// The standing of each (room, sender) pair asked for whose room exists; with
    /// <paramref name="lockRooms"/> the rooms' rows are locked until the transaction ends.
    /// </summary>
    public static async Task<Dictionary<(Guid RoomId, Guid UserId), RoomStanding>> ReadAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        IReadOnlyCollection<(Guid RoomId, Guid UserId)> senders,
        CancellationToken cancellationToken,
        bool lockRooms = false)
    {
        if (senders.Count == 0)
        {
            return [];
        }

        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { Command(senders, lockRooms) } };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        return await ReadRowsAsync(reader, senders.Count, cancellationToken);
    }

    /// <summary>The query for <see cref="ReadAsync"/>, for a caller that sends it along with others.</summary>
    public static NpgsqlBatchCommand Command(IReadOnlyCollection<(Guid RoomId, Guid UserId)> senders, bool lockRooms = false) =>
        new(lockRooms ? ReadLocked : Read)
        {
            Parameters =
            {
                new NpgsqlParameter("RoomIds", senders.Select(s => s.RoomId).ToArray()),
                new NpgsqlParameter("UserIds", senders.Select(s => s.UserId).ToArray()),
            },
        };

    /// <summary>The rows of <see cref="Command"/>, from a reader positioned on its result.</summary>
    public static async Task<Dictionary<(Guid RoomId, Guid UserId), RoomStanding>> ReadRowsAsync(
        DbDataReader reader, int expected, CancellationToken cancellationToken)
    {
        // Rows read one by one with ReadAsync and cut into their two records by Dapper's row
        // parsers: Dapper's multi-mapping reads the rows synchronously even in its async form,
        // and a batch's standings are hundreds of rows, which would hold a pool thread on the
        // socket while PostgreSQL streams them.
        var memberStart = reader.GetOrdinal("room_id");
        var standingOf = reader.GetRowParser<RoomStanding>(startIndex: StandingStart, length: memberStart - StandingStart);
        // A user who is not a member has nulls in the membership columns, the first one included.
        var memberOf = reader.GetRowParser<RoomMember?>(startIndex: memberStart, returnNullIfFirstMissing: true);
        var standings = new Dictionary<(Guid, Guid), RoomStanding>(expected);
        while (await reader.ReadAsync(cancellationToken))
        {
            var standing = standingOf(reader) with { Member = memberOf(reader) };
            standings[(standing.Id, reader.GetGuid(SenderColumn))] = standing;
        }

        return standings;
    }
}
