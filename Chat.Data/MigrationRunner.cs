using System.Reflection;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Chat.Data;

/// <summary>
/// Applies the embedded <c>Migrations/NNNN_name.sql</c> scripts in order, each once, each in its
/// own transaction, recording them in <c>schema_version</c>. With an owner connection string
/// (<see cref="ChatDataOptions.OwnerConnectionString"/>) they run as the owner, who then grants
/// the node's own user what it needs (<see cref="AppRole"/>).
/// </summary>
public sealed class MigrationRunner(NpgsqlDataSource dataSource, IOptions<ChatDataOptions> options, ILogger<MigrationRunner> logger)
{
    // Any constant works; it only has to be the same on every node so that nodes starting together
    // take turns instead of racing to create the same tables.
    private const long AdvisoryLockKey = 0x63686174_6d696772;

    /// <summary>Applies what is pending and returns how many scripts ran.</summary>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken = default)
    {
        if (options.Value.OwnerConnectionString is not { Length: > 0 } owner)
        {
            return await MigrateAsync(dataSource, appRole: null, cancellationToken);
        }

        await using var ownerSource = NpgsqlDataSource.Create(owner);
        var app = new NpgsqlConnectionStringBuilder(options.Value.ConnectionString);
        // The same user in both is no separate role: nothing to grant, and nothing to take from the owner.
        var separate = !string.Equals(app.Username, new NpgsqlConnectionStringBuilder(owner).Username, StringComparison.Ordinal);
        return await MigrateAsync(ownerSource, separate ? app : null, cancellationToken);
    }

    private async Task<int> MigrateAsync(NpgsqlDataSource source, NpgsqlConnectionStringBuilder? appRole, CancellationToken cancellationToken)
    {
        await using var connection = await source.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "select pg_advisory_lock(@Key)", new { Key = AdvisoryLockKey }, cancellationToken: cancellationToken));
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                create table if not exists schema_version (
                    version    int primary key,
                    name       text not null,
                    applied_at timestamptz not null default now())
                """,
                cancellationToken: cancellationToken));
            var applied = (await connection.QueryAsync<int>(new CommandDefinition(
                "select version from schema_version", cancellationToken: cancellationToken))).ToHashSet();

            var count = 0;
            foreach (var migration in Migration.All().Where(m => !applied.Contains(m.Version)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    "insert into schema_version (version, name) values (@Version, @Name)",
                    new { migration.Version, migration.Name },
                    transaction,
                    cancellationToken: cancellationToken));
                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Applied migration {Version} {Name}", migration.Version, migration.Name);
                count++;
            }

            if (appRole is { Username: { Length: > 0 } user } && appRole.Password is { } password)
            {
                await AppRole.GrantAsync(connection, user, password, cancellationToken);
            }

            return count;
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "select pg_advisory_unlock(@Key)", new { Key = AdvisoryLockKey }, cancellationToken: CancellationToken.None));
        }
    }

    private sealed record Migration(int Version, string Name, string Sql)
    {
        public static IEnumerable<Migration> All()
        {
            var assembly = typeof(Migration).Assembly;
            const string prefix = "Chat.Data.Migrations.";
            return assembly.GetManifestResourceNames()
                .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
                .Select(n => Load(assembly, n, n[prefix.Length..^".sql".Length]))
                .OrderBy(m => m.Version);
        }

        private static Migration Load(Assembly assembly, string resource, string fileName)
        {
            // File names are NNNN_name: the number orders them and is what schema_version records.
            var separator = fileName.IndexOf('_', StringComparison.Ordinal);
            var version = int.Parse(fileName[..separator], System.Globalization.CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            return new Migration(version, fileName[(separator + 1)..], reader.ReadToEnd());
        }
    }
}
