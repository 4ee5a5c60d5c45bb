using System.Data;
using Chat.Data.Resilience;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Chat.Data;

/// <summary>One member's delivery and read pointers in a room, as the receipt buffer writes them.</summary>
public sealed record ReceiptPointers(
    Guid RoomId,
    Guid UserId,
    DateTime JoinedAt,
    long DeliveredSeq,
    long ReadSeq,
    DateTime? ReadAt);

/// <summary>Writes the receipt pointers kept in <c>room_members</c>.</summary>
public sealed class ReceiptRepository(NpgsqlDataSource dataSource, DatabasePipeline pipeline)
{
    // greatest() keeps every pointer forward-only in the database too: two nodes may hold
    // pointers for the same member, and whichever flushes last must not move one back. readAt
    // changes only with the read pointer it belongs to. The joined_at match keeps pointers of an
    // ended membership off a later one of the same user (leave, then join again).
    private const string Write = """
        update room_members rm
        set delivered_seq = greatest(rm.delivered_seq, p.delivered_seq, p.read_seq),
            read_seq = greatest(rm.read_seq, p.read_seq),
            read_at = case when p.read_seq > rm.read_seq then coalesce(p.read_at, rm.read_at) else rm.read_at end
        from unnest(@RoomIds, @UserIds, @JoinedAt, @Delivered, @Read, @ReadAt)
            as p(room_id, user_id, joined_at, delivered_seq, read_seq, read_at)
        where rm.room_id = p.room_id and rm.user_id = p.user_id and rm.joined_at = p.joined_at
        """;

    /// <summary>Moves the stored pointers forward to <paramref name="pointers"/>, all in one statement.</summary>
    /// <returns>How many memberships were updated (ended ones are skipped).</returns>
    /// <remarks>Retried: pointers only move forward (greatest()), so writing them twice changes nothing.</remarks>
    public Task<int> WriteAsync(IReadOnlyCollection<ReceiptPointers> pointers, CancellationToken cancellationToken = default)
    {
        if (pointers.Count == 0)
        {
            return Task.FromResult(0);
        }

        var parameters = new
        {
            RoomIds = pointers.Select(p => p.RoomId).ToArray(),
            UserIds = pointers.Select(p => p.UserId).ToArray(),
            JoinedAt = pointers.Select(p => p.JoinedAt).ToArray(),
            Delivered = pointers.Select(p => p.DeliveredSeq).ToArray(),
            Read = pointers.Select(p => p.ReadSeq).ToArray(),
            ReadAt = new TimestampArray([.. pointers.Select(p => p.ReadAt)]),
        };
        return pipeline.ExecuteAsync(
            dataSource,
            (connection, token) => connection.ExecuteAsync(new CommandDefinition(Write, parameters, cancellationToken: token)),
            cancellationToken);
    }

    /// <summary>
    /// A <c>timestamptz[]</c> that may hold nulls. Npgsql infers an array's type from its
    /// elements, and a null first element makes it pick <c>timestamp</c>, which refuses UTC times.
    /// </summary>
    private sealed class TimestampArray(DateTime?[] values) : SqlMapper.ICustomQueryParameter
    {
        public void AddParameter(IDbCommand command, string name) =>
            command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = values });
    }
}
