using Chat.Hubs.Activity;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Chat.Tests.Integration;

/// <summary>The buffered activity writer: nothing queued is lost when a node stops gracefully.</summary>
public sealed class ActivityWriterTests
{
    [Fact]
    public async Task Entries_queued_just_before_a_graceful_stop_are_all_stored()
    {
        var connectionString = await TestServers.CreateDatabaseAsync();
        try
        {
            var node = ChatNode.Start(connectionString);
            var log = node.Services.GetRequiredService<ActivityLog>();
            var userId = Guid.NewGuid();
            for (var i = 0; i < 2500; i++)
            {
                log.Record(userId, ActivityActions.Send, Guid.NewGuid());
            }

            // Stopped, then disposed: disposing the factory alone may return before the
            // hosted services have finished stopping, and the last batch is written there.
            await node.StopAsync();
            await node.DisposeAsync();

            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            await using var count = dataSource.CreateCommand("select count(*) from activity where user_id = $1 and action = 'send'");
            count.Parameters.AddWithValue(userId);
            Assert.Equal(2500L, await count.ExecuteScalarAsync());
        }
        finally
        {
            await TestServers.DropDatabaseAsync(connectionString);
        }
    }
}
