using Chat.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Chat.Tests.Integration;

/// <summary>
/// The tables every send grows are analyzed from a small sample (migration 10), so autovacuum's
/// analyze does not stall the sends' commits while it reads.
/// </summary>
public sealed class AnalyzeSampleTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    [Theory]
    [InlineData("messages")]
    [InlineData("activity")]
    public async Task Every_column_of_a_table_that_each_send_grows_has_the_small_statistics_target(string table)
    {
        await using var db = new NpgsqlConnection(fixture.Node.Services.GetRequiredService<IConfiguration>().GetConnectionString("Chat"));
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            select attname, coalesce(attstattarget, -1)::int from pg_attribute
            where attrelid = @Table::regclass and attnum > 0 and not attisdropped
            """,
            db);
        command.Parameters.AddWithValue("Table", table);
        var targets = new Dictionary<string, int>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                targets[reader.GetString(0)] = reader.GetInt32(1);
            }
        }

        Assert.NotEmpty(targets);
        // A column added later without the setting would bring back the default 30,000-row sample.
        Assert.All(targets, column => Assert.True(column.Value == 10, $"{table}.{column.Key} has statistics target {column.Value}"));
    }
}
