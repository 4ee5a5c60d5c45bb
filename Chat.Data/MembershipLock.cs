using Dapper;
using Npgsql;

namespace Chat.Data;

/// <summary>
/// A transaction-scoped lock on one user's membership of one room. Joins and bans both take it,
/// so a join that checked for a ban a moment before the ban was stored cannot slip in after it.
/// </summary>
internal static class MembershipLock
{
    public static Task AcquireAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid roomId, Guid userId, CancellationToken cancellationToken)
    {
        const string sql = "select pg_advisory_xact_lock(hashtextextended(@Key, 0))";
        return connection.ExecuteAsync(new CommandDefinition(
            sql, new { Key = $"membership:{roomId:N}:{userId:N}" }, transaction, cancellationToken: cancellationToken));
    }
}
