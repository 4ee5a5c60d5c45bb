using Dapper;
using Npgsql;

namespace Chat.Data;

/// <summary>
/// The node's own database user when the schema has an owner of its own: it logs in with the
/// password of its connection string, reads and writes the tables and sequences (those of later
/// migrations too), and may not create, alter or drop anything. A role created here has no other
/// attribute (no superuser, no createdb, no createrole); one that exists keeps its attributes.
/// </summary>
internal static class AppRole
{
    // Each statement is built by PostgreSQL's format(), which quotes the name (%I) and the password
    // (%L) itself, then run: utility statements take no parameters.
    private static readonly string[] Statements =
    [
        "select format('create role %I login password %L', @User, @Password) where not exists (select 1 from pg_roles where rolname = @User)",
        "select format('alter role %I with login password %L', @User, @Password)",
        "select format('grant connect on database %I to %I', current_database(), @User)",
        "select format('grant usage on schema public to %I', @User)",
        "select format('grant select, insert, update, delete on all tables in schema public to %I', @User)",
        "select format('grant usage, select, update on all sequences in schema public to %I', @User)",
        "select format('alter default privileges in schema public grant select, insert, update, delete on tables to %I', @User)",
        "select format('alter default privileges in schema public grant usage, select, update on sequences to %I', @User)",
    ];

    /// <summary>Creates <paramref name="user"/> or brings it up to date; run by the owner after the migrations.</summary>
    public static async Task GrantAsync(NpgsqlConnection connection, string user, string password, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var statement in Statements)
        {
            var sql = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
                statement, new { User = user, Password = password }, transaction, cancellationToken: cancellationToken));
            if (sql is not null)
            {
                await connection.ExecuteAsync(new CommandDefinition(sql, transaction: transaction, cancellationToken: cancellationToken));
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
