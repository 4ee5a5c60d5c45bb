using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Retention;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Chat.Tests.Integration;

public sealed class RetentionTests(RoomsNodeFixture fixture) : IClassFixture<RoomsNodeFixture>
{
    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task Messages_older_than_the_rooms_retention_disappear_on_their_own_and_seq_keeps_counting()
    {
        var admin = await TestUser.RegisterAsync(Node, "admin");
        var room = await RoomWithAgedMessagesAsync(admin, retentionDays: 1, aged: 5, fresh: 2);
        await using var hub = await HubClient.ConnectAsync(Node, admin);

        await Poll.UntilAsync(
            async () => await CountAsync(room.Id) == 2, TimeSpan.FromSeconds(20), "the retention sweeper deletes the aged messages");

        var history = await hub.GetHistoryAsync(room.Id, 200);
        Assert.Equal([6L, 7L], history.Select(m => m.Seq));
        var ack = await hub.SendTextAsync(room.Id, "after the purge");
        Assert.Equal(8, ack.Seq);
    }

    [Fact]
    public async Task A_room_without_retention_keeps_its_old_messages()
    {
        var admin = await TestUser.RegisterAsync(Node, "admin");
        var room = await RoomWithAgedMessagesAsync(admin, retentionDays: null, aged: 3, fresh: 1);
        var longer = await RoomWithAgedMessagesAsync(admin, retentionDays: 3, aged: 2, fresh: 1);

        await Node.Services.GetRequiredService<MessageRetention>().PurgeOnceAsync();

        Assert.Equal(4, await CountAsync(room.Id));
        Assert.Equal(3, await CountAsync(longer.Id));
    }

    [Fact]
    public async Task A_message_goes_only_once_it_is_older_than_the_retention_days()
    {
        var admin = await TestUser.RegisterAsync(Node, "admin");
        var room = await RoomWithAgedMessagesAsync(admin, retentionDays: 1, aged: 0, fresh: 3);
        var lastSentAt = await fixture.ScalarAsync<DateTime>("select max(sent_at) from messages where room_id = @r", ("r", room.Id));
        var firstSentAt = await fixture.ScalarAsync<DateTime>("select min(sent_at) from messages where room_id = @r", ("r", room.Id));
        var clock = new FakeTimeProvider(new DateTimeOffset(firstSentAt.AddDays(1).AddMinutes(-1), TimeSpan.Zero));
        var retention = NewRetention(batchSize: 2, clock);

        await retention.PurgeOnceAsync();
        Assert.Equal(3, await CountAsync(room.Id));

        clock.SetUtcNow(new DateTimeOffset(lastSentAt.AddDays(1).AddTicks(10), TimeSpan.Zero));
        await retention.PurgeOnceAsync();
        Assert.Equal(0, await CountAsync(room.Id));
    }

    [Fact]
    public async Task Old_messages_go_in_batches_smaller_than_the_backlog_and_the_last_batch_stops_at_the_fresh_ones()
    {
        var admin = await TestUser.RegisterAsync(Node, "admin");
        var room = await RoomWithAgedMessagesAsync(admin, retentionDays: 1, aged: 5, fresh: 2);
        var retention = NewRetention(batchSize: 2);

        await retention.PurgeOnceAsync();

        var left = await fixture.ScalarAsync<long[]>("select array_agg(seq order by seq) from messages where room_id = @r", ("r", room.Id));
        Assert.Equal([6L, 7L], left);
    }

    [Fact]
    public async Task Passes_on_several_nodes_at_once_each_end_with_every_old_message_gone()
    {
        var admin = await TestUser.RegisterAsync(Node, "admin");
        var room = await RoomWithAgedMessagesAsync(admin, retentionDays: 1, aged: 40, fresh: 1);
        var passes = Enumerable.Range(0, 4).Select(_ => OnePassAsync()).ToArray();

        await Task.WhenAll(passes);

        Assert.All(passes, pass => Assert.Equal([41L], pass.Result));

        // What a pass leaves is read as it ends, while the others may still be deleting.
        async Task<long[]> OnePassAsync()
        {
            await Task.Yield();
            await NewRetention(batchSize: 1).PurgeOnceAsync();
            return await fixture.ScalarAsync<long[]>("select array_agg(seq order by seq) from messages where room_id = @r", ("r", room.Id));
        }
    }

    [Fact]
    public async Task An_expired_file_message_takes_its_file_along()
    {
        var admin = await TestUser.RegisterAsync(Node, "admin");
        var room = await admin.CreateRoomAsync(Node);
        using var http = Node.Http(admin.Token);
        var attachment = await http.UploadAsync(room.Id, "minutes of the meeting"u8.ToArray(), "notes.txt").ReadAsync<AttachmentDto>();
        await using (var hub = await HubClient.ConnectAsync(Node, admin))
        {
            await hub.SendMessageAsync(room.Id, "file", "notes", attachment.Id);
        }

        await fixture.ExecuteAsync("update messages set sent_at = now() - interval '2 days' where room_id = @r", ("r", room.Id));
        await http.PutSettingsAsync(room.Id, new RoomSettings(RetentionDays: 1)).ExpectSuccessAsync();
        await Node.Services.GetRequiredService<MessageRetention>().PurgeOnceAsync();

        Assert.Equal(0, await CountAsync(room.Id));
        using var download = await http.GetAsync(ApiRoutes.Attachment(attachment.Id));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, download.StatusCode);
    }

    private MessageRetention NewRetention(int batchSize, TimeProvider? clock = null) => new(
        Node.Services.GetRequiredService<MessageRetentionRepository>(),
        Node.Services.GetRequiredService<AttachmentRepository>(),
        Node.Services.GetRequiredService<RefreshTokenRepository>(),
        Options.Create(new RetentionOptions { BatchSize = batchSize }),
        clock ?? TimeProvider.System,
        NullLogger<MessageRetention>.Instance);

    /// <summary>A room with <paramref name="aged"/> messages sent two days ago followed by <paramref name="fresh"/> new ones.</summary>
    private async Task<RoomDto> RoomWithAgedMessagesAsync(TestUser admin, int? retentionDays, int aged, int fresh)
    {
        var room = await admin.CreateRoomAsync(Node);
        await using (var hub = await HubClient.ConnectAsync(Node, admin))
        {
            for (var i = 0; i < aged + fresh; i++)
            {
                await hub.SendTextAsync(room.Id, $"message {i}");
            }
        }

        await fixture.ExecuteAsync(
            "update messages set sent_at = now() - interval '2 days' where room_id = @r and seq <= @s",
            ("r", room.Id), ("s", (long)aged));
        using var http = Node.Http(admin.Token);
        await http.PutSettingsAsync(room.Id, new RoomSettings(RetentionDays: retentionDays)).ExpectSuccessAsync();
        return room;
    }

    private Task<long> CountAsync(Guid roomId) =>
        fixture.ScalarAsync<long>("select count(*) from messages where room_id = @r", ("r", roomId));
}
