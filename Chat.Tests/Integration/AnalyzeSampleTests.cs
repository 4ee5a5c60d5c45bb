using Chat.Tests.Infrastructure;
using Dapper;
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
        await using var db = await fixture.Node.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        var targets = (await db.QueryAsync<(string Column, int Target)>(
            """
            select attname::text, coalesce(attstattarget, -1)::int from pg_attribute
            where attrelid = @Table::regclass and attnum > 0 and not attisdropped
            """,
            new { Table = table })).ToList();

        Assert.NotEmpty(targets);
        // A column added later without the setting would bring back the default 30,000-row sample.
        Assert.All(targets, column => Assert.True(column.Target == 10, $"{table}.{column.Column} has statistics target {column.Target}"));
    }
}
