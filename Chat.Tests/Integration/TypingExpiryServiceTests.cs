using System.Diagnostics;
using Chat.Data;
using Chat.Hubs;
using Chat.Hubs.Blocks;
using Chat.Hubs.Broadcasting;
using Chat.Hubs.Connections;
using Chat.Hubs.Typing;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Chat.Tests.Integration;

public sealed class TypingExpiryServiceTests : IAsyncLifetime
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly MemoryTypingStore store = new();
    private string connectionString = "";
    private ServiceProvider services = null!;
    private TypingTracker tracker = null!;
    private TypingExpiryService expiry = null!;

    public async Task InitializeAsync()
    {
        // A real SignalR hub context with no connections: announcements go through it to nobody.
        // The broadcaster asks the database who blocked each typist, so it gets a real one.
        connectionString = await TestServers.CreateDatabaseAsync();
        var collection = new ServiceCollection().AddLogging().AddMetrics();
        collection.AddSignalR();
        collection.AddSingleton<TimeProvider>(clock);
        collection.AddOptions<ChatRedisOptions>();
        collection.AddSingleton<ChatRedisConnection>();
        collection.AddSingleton<RedisHealth>();
        collection.AddSingleton<UserConnections>();
        collection.AddSingleton<ClusterConnections>();
        collection.AddSingleton<ConnectionDirectory>();
        collection.AddSingleton(NpgsqlDataSource.Create(connectionString));
        collection.AddSingleton(provider => TestPipelines.For(provider.GetRequiredService<NpgsqlDataSource>()));
        collection.AddSingleton<MigrationRunner>();
        collection.AddSingleton<BlockRepository>();
        collection.AddSingleton<UserRepository>();
        collection.AddSingleton<MembershipRepository>();
        collection.AddSingleton<BlockChanges>();
        collection.AddSingleton<BlockService>();
        collection.AddSingleton<OnlineMemberCount>();
        collection.AddOptions<ChatOptions>();
        collection.AddSingleton<RoomSizes>();
        collection.AddSingleton<PresenceDigests>();
        collection.AddSingleton<ChatMetrics>();
        collection.AddSingleton<RoomBroadcaster>();
        services = collection.BuildServiceProvider();
        await services.GetRequiredService<MigrationRunner>().MigrateAsync();
        tracker = new TypingTracker(store, clock);
        expiry = new TypingExpiryService(tracker, services.GetRequiredService<RoomBroadcaster>(), clock, NullLogger<TypingExpiryService>.Instance);
    }

    [Fact]
    public async Task A_pass_expires_and_announces_what_is_due()
    {
        await tracker.StartAsync(Guid.NewGuid(), Guid.NewGuid());
        await tracker.StartAsync(Guid.NewGuid(), Guid.NewGuid());

        Assert.Equal(0, await expiry.ExpireDueAsync());
        clock.Advance(TypingTracker.Lifetime);
        Assert.Equal(2, await expiry.ExpireDueAsync());
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task The_loop_expires_typists_as_the_clock_passes_and_ends_when_the_host_stops_it()
    {
        var start = clock.GetUtcNow();
        await tracker.StartAsync(Guid.NewGuid(), Guid.NewGuid());
        await expiry.StartAsync(CancellationToken.None);

        // The loop waits on the fake clock, so time moves only here, a pass interval at a step,
        // until the loop has taken the entry out or the real deadline passes.
        var deadline = Stopwatch.StartNew();
        while (store.Count > 0)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "the loop never expired the entry");
            clock.Advance(TypingExpiryService.PassInterval);
            await Task.Delay(TimeSpan.FromMilliseconds(5));
        }

        var expiredAt = clock.GetUtcNow() - start;
        // The clock stands still from here, so the loop can leave its wait only through the stopping token.
        await expiry.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(expiredAt >= TypingTracker.Lifetime);
        Assert.True(expiry.ExecuteTask!.IsCompletedSuccessfully);
    }

    public async Task DisposeAsync()
    {
        expiry.Dispose();
        await services.DisposeAsync();
        await TestServers.DropDatabaseAsync(connectionString);
    }
}
