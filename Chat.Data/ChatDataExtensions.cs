using Chat.Data.Resilience;
using Chat.Data.Webhooks;
using Chat.Data.Writing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;

namespace Chat.Data;

/// <summary>Registers the PostgreSQL storage of the chat service.</summary>
public static class ChatDataExtensions
{
    /// <summary>
    /// Adds the pooled data source for <c>ConnectionStrings:Chat</c>, the resilience pipeline of
    /// the calls that may be retried, the repositories and the start-up migration.
    /// </summary>
    public static IHostApplicationBuilder AddChatData(this IHostApplicationBuilder builder)
    {
        JsonTypeHandlers.Register();

        builder.Services.AddOptionsWithValidateOnStart<ChatDataOptions>()
            .BindConfiguration(ChatDataOptions.SectionName)
            .Configure<IConfiguration>((options, configuration) =>
            {
                options.ConnectionString = configuration.GetConnectionString("Chat") ?? options.ConnectionString;
                options.OwnerConnectionString = configuration.GetConnectionString("ChatOwner") is { Length: > 0 } owner ? owner : options.OwnerConnectionString;
            })
            .ValidateDataAnnotations();

        builder.Services.AddSingleton(services => BuildDataSource(services, forMessageWriter: false));
        builder.Services.AddKeyedSingleton(
            BatchedMessageWriter.DataSourceKey, (services, _) => BuildDataSource(services, forMessageWriter: true));

        builder.Services.AddKeyedSingleton<ResiliencePipeline>(
            ChatDataResilience.StartupPipeline,
            (services, _) => ChatDataResilience.CreateStartup(services.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddOptionsWithValidateOnStart<DatabaseResilienceOptions>()
            .BindConfiguration(DatabaseResilienceOptions.SectionName)
            .ValidateDataAnnotations();
        builder.Services.AddSingleton(services => new DatabasePipeline(
            [services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredKeyedService<NpgsqlDataSource>(BatchedMessageWriter.DataSourceKey)],
            services.GetRequiredService<IOptions<DatabaseResilienceOptions>>().Value,
            services.GetRequiredService<ChatMetrics>(),
            services.GetRequiredService<ILogger<DatabasePipeline>>()));

        builder.Services.AddSingleton<MigrationRunner>();
        builder.Services.AddSingleton<UserRepository>();
        builder.Services.AddSingleton<RoomRepository>();
        builder.Services.AddSingleton<MembershipRepository>();
        builder.Services.AddSingleton<MessageRepository>();
        builder.Services.AddSingleton<ThreadRepository>();
        builder.Services.AddSingleton<MentionRepository>();
        builder.Services.AddSingleton<BotRepository>();
        builder.Services.AddSingleton<ReplyRepository>();
        builder.Services.AddSingleton<ReceiptRepository>();
        builder.Services.AddSingleton<ReactionRepository>();
        builder.Services.AddSingleton<AttachmentRepository>();
        builder.Services.AddSingleton<ModerationRepository>();
        builder.Services.AddSingleton<InvitationRepository>();
        builder.Services.AddSingleton<MessageRetentionRepository>();
        builder.Services.AddSingleton<BlockRepository>();
        builder.Services.AddSingleton<ActivityRepository>();
        builder.Services.AddSingleton<RefreshTokenRepository>();
        builder.Services.AddSingleton<PushSubscriptionRepository>();
        builder.Services.AddSingleton<RoomNotificationRepository>();
        builder.Services.AddSingleton<MessageSearchRepository>();
        builder.Services.AddSingleton<PinRepository>();
        builder.Services.AddSingleton<WebhookRepository>();
        builder.Services.AddSingleton<ChatMetrics>();
        builder.Services.AddHostedService<MigrationHostedService>();
        builder.AddMessageWriter();
        return builder;
    }

    // Far above the longest pause between a transaction's statements on a busy node.
    private const int IdleInTransactionTimeoutMs = 5_000;

    private static NpgsqlDataSource BuildDataSource(IServiceProvider services, bool forMessageWriter)
    {
        var options = services.GetRequiredService<IOptions<ChatDataOptions>>().Value;
        var dataSource = new NpgsqlDataSourceBuilder(options.ConnectionString);
        if (!options.ConnectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            // Every send asks the same few statements (the batch's look-ups and insert): preparing
            // them once per connection spares PostgreSQL parsing and planning them thousands of
            // times a second. A connection string that sets it wins.
            dataSource.ConnectionStringBuilder.MaxAutoPrepare = 64;
        }

        if (!dataSource.ConnectionStringBuilder.Keys.Cast<string>().Contains(nameof(NpgsqlConnectionStringBuilder.Timeout)))
        {
            // Npgsql waits 15 s for a new connection (or a free pooled one) by default; when the
            // server is out of reach, a call that is not under the pipeline's time budget (a join,
            // an upload) should fail with unavailable well before that. The keys are the ones the
            // connection string sets, under their canonical names; one that sets it wins.
            dataSource.ConnectionStringBuilder.Timeout = 5;
        }

        if (!options.ConnectionString.Contains("idle_in_transaction_session_timeout", StringComparison.OrdinalIgnoreCase))
        {
            // A node frozen in the middle of a transaction (a long GC pause, a stopped VM, SIGSTOP)
            // keeps its row locks, and every other node's writes to the same rooms queue behind
            // them for as long as it stays frozen. PostgreSQL ends such a session instead, which
            // rolls it back; its node finds the connection broken when it wakes and retries. No
            // transaction here waits on anything but the database between its statements.
            var idle = $"-c idle_in_transaction_session_timeout={IdleInTransactionTimeoutMs}";
            var own = dataSource.ConnectionStringBuilder.Options;
            dataSource.ConnectionStringBuilder.Options = string.IsNullOrEmpty(own) ? idle : $"{own} {idle}";
        }

        if (forMessageWriter)
        {
            // The writer's connections only ever run its own transactions, which leave nothing
            // behind in the session (no locks held past commit, no settings), so they skip the
            // reset a pooled connection otherwise gets each time it is taken: a batch costs one
            // round trip and one parse less. Other connections keep it: presence and migrations
            // take session-level advisory locks.
            dataSource.ConnectionStringBuilder.NoResetOnClose = true;
        }

        dataSource.UseLoggerFactory(services.GetRequiredService<ILoggerFactory>());
        return dataSource.Build();
    }

    /// <summary>Adds the writer that stores sent messages, batched or one by one as configured.</summary>
    private static void AddMessageWriter(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<MessageWriterOptions>()
            .BindConfiguration(MessageWriterOptions.SectionName)
            .ValidateDataAnnotations();
        var mode = builder.Configuration.GetSection(MessageWriterOptions.SectionName).Get<MessageWriterOptions>()?.Mode
            ?? MessageWriteMode.Batched;
        if (mode == MessageWriteMode.PerMessage)
        {
            builder.Services.AddSingleton<IMessageWriter, PerMessageWriter>();
            return;
        }

        // Registered before the chat engine's services: hosted services stop in reverse order, so
        // the writer drains its queue after the hub's background work has stopped.
        builder.Services.AddSingleton<BatchedMessageWriter>();
        builder.Services.AddSingleton<IMessageWriter>(services => services.GetRequiredService<BatchedMessageWriter>());
        builder.Services.AddHostedService(services => services.GetRequiredService<BatchedMessageWriter>());
    }

    /// <summary>Applies pending migrations now, for a deploy pipeline's <c>migrate</c> step.</summary>
    public static async Task<int> MigrateChatDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var startup = services.GetRequiredKeyedService<ResiliencePipeline>(ChatDataResilience.StartupPipeline);
        var runner = services.GetRequiredService<MigrationRunner>();
        return await startup.ExecuteAsync(async token => await runner.MigrateAsync(token), cancellationToken);
    }
}
