using Npgsql;

namespace Chat.Bench.Targets;

/// <summary>
/// How often autovacuum has vacuumed and analyzed each table of the chat database so far, and
/// what it is doing now. Read before and after the measured window, it tells whether PostgreSQL's
/// housekeeping shared the machine with the load: an analyze of <c>messages</c> or <c>activity</c>
/// in the window held every commit up for as long as it read (BENCHMARKS.md, "5 December, late").
/// </summary>
public sealed class DatabaseUpkeep
{
    private const string CountsSql = "select relname, autovacuum_count, autoanalyze_count from pg_stat_user_tables";

    private const string RunningSql = """
        select query from pg_stat_activity
        where backend_type = 'autovacuum worker' and datname = current_database() and query <> ''
        """;

    private readonly Dictionary<string, (long Vacuums, long Analyzes)> counts;
    private readonly List<string> running;

    private DatabaseUpkeep(Dictionary<string, (long Vacuums, long Analyzes)> counts, List<string> running)
    {
        this.counts = counts;
        this.running = running;
    }

    /// <summary>The counts and the autovacuum workers at work; null when the database cannot be asked.</summary>
    public static async Task<DatabaseUpkeep?> ReadAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            var counts = new Dictionary<string, (long, long)>();
            await using (var command = new NpgsqlCommand(CountsSql, connection))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    counts[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
                }
            }

            var running = new List<string>();
            await using (var command = new NpgsqlCommand(RunningSql, connection))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    running.Add(reader.GetString(0));
                }
            }

            return new DatabaseUpkeep(counts, running);
        }
        catch (NpgsqlException)
        {
            return null;
        }
    }

    /// <summary>
    /// What autovacuum finished since <paramref name="start"/> ("analyze messages"), then what it
    /// was still doing when this was read ("autovacuum: ANALYZE public.activity").
    /// </summary>
    public IReadOnlyList<string> Since(DatabaseUpkeep start)
    {
        var done = new List<string>();
        foreach (var (table, (vacuums, analyzes)) in counts.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            // Never below zero: statistics reset in the window (pg_stat_reset) start the counts over.
            var (vacuumsBefore, analyzesBefore) = start.counts.GetValueOrDefault(table);
            done.AddRange(Enumerable.Repeat($"vacuum {table}", (int)Math.Max(0, vacuums - vacuumsBefore)));
            done.AddRange(Enumerable.Repeat($"analyze {table}", (int)Math.Max(0, analyzes - analyzesBefore)));
        }

        done.AddRange(running);
        return done;
    }
}
