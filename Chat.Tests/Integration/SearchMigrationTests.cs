using Chat.Data;
using Chat.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace Chat.Tests.Integration;

/// <summary>
/// Migration 18 (search and pins) runs on databases that already hold messages: what they held
/// is found afterwards, in the language every room had then (simple), and nothing else changes.
/// </summary>
public sealed class SearchMigrationTests
{
    private const int SearchMigration = 18;

    [Fact]
    public async Task Messages_stored_before_the_search_migration_are_found_after_a_node_applies_it()
    {
        var connectionString = await TestServers.CreateDatabaseAsync();
        try
        {
            var roomId = Guid.CreateVersion7();
            var ids = await ArrangeBeforeSearchAsync(connectionString, roomId);

            await using var node = ChatNode.Start(connectionString);
            var bob = await TestUser.RegisterAsync(node, "bob");
            await bob.JoinAsync(node, roomId);
            using var http = node.Http(bob.Token);
            var found = await http.SearchPageAsync(roomId, "running");
            var room = await http.RoomAsync(roomId);
            var history = await http.HistoryAsync(roomId);

            Assert.Equal([ids.Text], found.Hits.Select(h => h.Message.Id));
            Assert.Equal("<mark>running</mark> shoes for sale", found.Hits[0].Highlight);
            Assert.Empty((await http.SearchPageAsync(null, "joined")).Hits);
            Assert.Equal(("simple", 0), (room.Settings.SearchLanguage, room.PinnedCount));
            Assert.Equal([1L, 2L, 3L, 4L, 5L], history.Select(m => m.Seq));
            Assert.All(history, m => Assert.False(m.Pinned));

            // Once the reply streaming when the node stopped ends, it is found too.
            await using (var db = NpgsqlDataSource.Create(connectionString))
            {
                await db.CreateCommand($"update messages set status = 'complete' where id = '{ids.Streaming}'").ExecuteNonQueryAsync();
            }

            Assert.Equal(
                new[] { ids.Text, ids.Streaming }.Order(),
                (await http.SearchPageAsync(roomId, "running")).Hits.Select(h => h.Message.Id).Order());
        }
        finally
        {
            await TestServers.DropDatabaseAsync(connectionString);
        }
    }

    /// <summary>
    /// A database as a deployed version left it, migrated up to the one before search, with a
    /// room of one member holding a text message, a join, a deleted message and a reply still
    /// streaming (seqs 1 to 4).
    /// </summary>
    private static async Task<(Guid Text, Guid Streaming)> ArrangeBeforeSearchAsync(string connectionString, Guid roomId)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            create table schema_version (
                version    int primary key,
                name       text not null,
                applied_at timestamptz not null default now())
            """);
        foreach (var (version, name, sql) in EarlierMigrations())
        {
            await connection.ExecuteAsync(sql);
            await connection.ExecuteAsync("insert into schema_version (version, name) values (@version, @name)", new { version, name });
        }

        var userId = Guid.CreateVersion7();
        var text = Guid.CreateVersion7();
        var streaming = Guid.CreateVersion7();
        await connection.ExecuteAsync(
            """
            insert into users (id, user_name, display_name, created_at) values (@UserId, @UserName, 'Alice', now());
            insert into rooms (id, name, is_private, settings, last_seq, created_by, created_at)
            values (@RoomId, 'before search', false, '{"fileSharingAllowed": true, "typingIndicators": true}', 4, @UserId, now());
            insert into room_members (room_id, user_id, role, joined_at) values (@RoomId, @UserId, 'admin', now());
            insert into messages (id, room_id, seq, sender_id, type, content, sent_at, deleted, status)
            values (@Text, @RoomId, 1, @UserId, 'text', 'running shoes for sale', now(), false, 'complete'),
                   (@Join, @RoomId, 2, @UserId, 'join', 'Alice joined', now(), false, 'complete'),
                   (@Deleted, @RoomId, 3, @UserId, 'text', '', now(), true, 'complete'),
                   (@Streaming, @RoomId, 4, @UserId, 'text', 'running reply', now(), false, 'streaming');
            """,
            new
            {
                UserId = userId,
                UserName = $"alice_{userId:N}"[..24],
                RoomId = roomId,
                Text = text,
                Join = Guid.CreateVersion7(),
                Deleted = Guid.CreateVersion7(),
                Streaming = streaming,
            });
        return (text, streaming);
    }

    private static IEnumerable<(int Version, string Name, string Sql)> EarlierMigrations()
    {
        const string prefix = "Chat.Data.Migrations.";
        var assembly = typeof(MessageRepository).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order())
        {
            var fileName = resource[prefix.Length..^".sql".Length];
            var version = int.Parse(fileName[..fileName.IndexOf('_', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
            if (version < SearchMigration)
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
                yield return (version, fileName[(fileName.IndexOf('_', StringComparison.Ordinal) + 1)..], reader.ReadToEnd());
            }
        }
    }
}
