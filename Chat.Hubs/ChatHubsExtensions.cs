using Chat.Contracts;
using Chat.Contracts.Serialization;
using Chat.Hubs.Activity;
using Chat.Hubs.Attachments;
using Chat.Hubs.Blocks;
using Chat.Hubs.Bots;
using Chat.Hubs.Broadcasting;
using Chat.Hubs.Connections;
using Chat.Hubs.Errors;
using Chat.Hubs.Limits;
using Chat.Hubs.Mentions;
using Chat.Hubs.Messages;
using Chat.Hubs.Moderation;
using Chat.Hubs.Notifications;
using Chat.Hubs.Outgoing;
using Chat.Hubs.Presence;
using Chat.Hubs.Reactions;
using Chat.Hubs.Receipts;
using Chat.Hubs.Retention;
using Chat.Hubs.Rooms;
using Chat.Hubs.Threads;
using Chat.Hubs.Typing;
using Chat.Hubs.Webhooks;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.Hubs;

/// <summary>Registers the chat engine: SignalR with both protocols, the services and the backplane.</summary>
public static class ChatHubsExtensions
{
    public static IHostApplicationBuilder AddChatHubs(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptionsWithValidateOnStart<ChatOptions>().BindConfiguration(ChatOptions.SectionName).ValidateDataAnnotations();
        services.AddOptionsWithValidateOnStart<ChatRedisOptions>().BindConfiguration(ChatRedisOptions.SectionName);
        services.AddOptionsWithValidateOnStart<ClusterOptions>().BindConfiguration(ClusterOptions.SectionName).ValidateDataAnnotations();

        var signalR = services.AddSignalR(o =>
            {
                // First, so that a call waits for its slot before anything else of it runs.
                o.AddFilter<SequentialInvocationFilter>();
                o.AddFilter<ChatErrorFilter>();
                o.AddFilter<HubBudgetFilter>();
                o.EnableDetailedErrors = false;
            })
            .AddJsonProtocol(o => ChatSerialization.ConfigureJson(o.PayloadSerializerOptions))
            .AddMessagePackProtocol(o => o.SerializerOptions = ChatSerialization.MessagePackOptions);
        // Both protocols answer failures as "code: message" (see CodedErrorHubProtocol).
        services.RemoveAll<IHubProtocol>();
        services.AddSingleton<IHubProtocol>(s => new CodedErrorHubProtocol(
            new JsonHubProtocol(s.GetRequiredService<IOptions<JsonHubProtocolOptions>>())));
        services.AddSingleton<IHubProtocol>(s => new CodedErrorHubProtocol(
            new MessagePackHubProtocol(s.GetRequiredService<IOptions<MessagePackHubProtocolOptions>>())));
        services.AddOptions<HubOptions>()
            .Configure<IOptions<ChatOptions>>((hub, chat) =>
            {
                hub.MaximumReceiveMessageSize = chat.Value.MaximumReceiveMessageSize;
                hub.MaximumParallelInvocationsPerClient = chat.Value.CallsInFlightPerConnection;
                // What a stateful-reconnect client may leave unacknowledged before a write to it
                // waits: the same bound as what may queue for any connection (QueuedConnection).
                hub.StatefulReconnectBufferSize = chat.Value.MaxOutgoingBytesPerConnection;
            });

        var redis = builder.Configuration.GetSection(ChatRedisOptions.SectionName).Get<ChatRedisOptions>() ?? new ChatRedisOptions();
        if (redis.Enabled)
        {
            // The backplane keeps a connection of its own: SignalR disposes the connection it
            // uses when it shuts down, while the registry and heartbeat still need theirs then.
            signalR.AddStackExchangeRedis();
            services.AddSingleton<BackplaneMonitor>();
            services.AddHostedService(s => s.GetRequiredService<BackplaneMonitor>());
            // The backplane behind a decorator that keeps the node up while Redis is away.
            services.AddSingleton<RedisHubLifetimeManager<ChatHub>>();
            services.AddSingleton(s => new OutageTolerantLifetimeManager<ChatHub>(
                s.GetRequiredService<RedisHubLifetimeManager<ChatHub>>(),
                s.GetRequiredService<BackplaneMonitor>(),
                s.GetRequiredService<RedisHealth>(),
                s.GetRequiredService<Chat.Data.ChatMetrics>(),
                s.GetRequiredService<Microsoft.Extensions.Logging.ILogger<OutageTolerantLifetimeManager<ChatHub>>>()));
            // Only the backplane can lose a group change: without it every change is local.
            services.AddSingleton<GroupReconciler>();
            services.AddHostedService(s => s.GetRequiredService<GroupReconciler>());
            services.AddOptions<RedisOptions>().Configure<IOptions<ChatRedisOptions>, BackplaneMonitor>((o, chatRedis, monitor) =>
            {
                o.Configuration = ChatRedisConnection.Configure(chatRedis.Value);
                o.ConnectionFactory = log => monitor.ConnectAsync(o.Configuration, log);
            });
        }

        // After the backplane: it wraps whichever lifetime manager that chose.
        // The inner managers as services of their own, so the container builds them as SignalR
        // would (the Redis one with its options) and disposes them at shutdown.
        if (!redis.Enabled)
        {
            services.AddSingleton<DefaultHubLifetimeManager<ChatHub>>();
        }

        services.AddQueuedDelivery<ChatHub>(redis.Enabled
            ? s => s.GetRequiredService<OutageTolerantLifetimeManager<ChatHub>>()
            : s => s.GetRequiredService<DefaultHubLifetimeManager<ChatHub>>());

        services.AddSingleton<SequentialInvocationFilter>();
        services.AddSingleton<ChatErrorFilter>();
        services.AddSingleton<HubBudgetFilter>();
        services.AddSingleton<IUserIdProvider, ChatUserIdProvider>();
        services.AddSingleton<ChatRedisConnection>();
        services.AddSingleton<RedisHealth>();
        services.AddSingleton<UserConnections>();
        services.AddSingleton<ClusterConnections>();
        services.AddSingleton<ConnectionDirectory>();
        services.AddSingleton<ConnectionLifecycle>();
        services.AddSingleton<OnlineMemberCount>();
        services.AddSingleton<RoomSizes>();
        services.AddSingleton<PresenceDigests>();
        services.AddHostedService(s => s.GetRequiredService<PresenceDigests>());
        services.AddSingleton<RoomBroadcaster>();
        services.AddSingleton<PresenceService>();
        services.AddHostedService<NodeHeartbeat>();
        services.AddSingleton<UnsettledPresence>();
        services.AddHostedService(s => s.GetRequiredService<UnsettledPresence>());
        services.AddHostedService<DeadNodeSweeper>();
        services.AddSingleton<RoomAccess>();
        services.AddSingleton<RoomService>();
        services.AddSingleton<MembershipService>();
        services.AddSingleton<MessageSender>();
        services.AddSingleton<MessageHistory>();
        services.AddSingleton<ThreadService>();
        services.AddSingleton<MentionService>();
        services.AddChatTyping(redis.Enabled);
        services.AddOptionsWithValidateOnStart<ReceiptOptions>().BindConfiguration(ReceiptOptions.SectionName).ValidateDataAnnotations();
        services.AddSingleton<ReceiptBuffer>();
        services.AddHostedService<ReceiptFlusher>();
        services.AddSingleton<ReceiptService>();
        services.AddSingleton<MessageEditService>();
        services.AddSingleton<MessageSearchService>();
        services.AddSingleton<PinService>();
        services.AddSingleton<ReactionService>();
        services.AddSingleton<AttachmentService>();
        services.AddSingleton<ModerationService>();
        services.AddOptionsWithValidateOnStart<InvitationOptions>().BindConfiguration(InvitationOptions.SectionName).ValidateDataAnnotations();
        services.AddSingleton<InvitationService>();
        services.AddSingleton<RoomSettingsService>();
        services.AddSingleton<RoomSearchService>();
        services.AddOptionsWithValidateOnStart<RetentionOptions>().BindConfiguration(RetentionOptions.SectionName).ValidateDataAnnotations();
        services.AddSingleton<MessageRetention>();
        services.AddHostedService<RetentionSweeper>();
        services.AddOptionsWithValidateOnStart<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateDataAnnotations();
        services.AddSingleton<LocalBudgets>();
        services.AddSingleton<RedisBudgets>();
        services.AddSingleton<RateBudgets>();
        services.AddSingleton<SendRateLimiter>();
        services.AddSingleton<ConnectionLimiter>();
        services.AddSingleton<BlockChanges>();
        services.AddSingleton<BlockService>();
        services.AddHostedService<BlockChangesFollower>();
        services.AddSingleton<ActivityLog>();
        services.AddHostedService<ActivityWriter>();
        services.AddBots(builder.Configuration);
        services.AddPushNotifications();
        services.AddWebhooks();
        services.AddSingleton<ActivityReport>();
        services.AddValidatorsFromAssemblyContaining<SendMessageRequestValidator>(ServiceLifetime.Singleton, includeInternalTypes: true);
        return builder;
    }

    /// <summary>Maps the hub at <c>/hubs/chat</c>, for signed-in users only.</summary>
    public static IEndpointRouteBuilder MapChatHub(this IEndpointRouteBuilder endpoints)
    {
        // Authorized on the endpoint, when the connection is made, not with [Authorize] on the
        // hub: SignalR evaluates a hub's attribute again on every invocation, against the same
        // principal the connection was made with, which only costs every message a policy
        // evaluation and its allocations.
        // A connection lasts no longer than the token it was opened with: a role taken away or a
        // sign-in revoked ends it within one access token's lifetime. Clients reconnect with a
        // fresh token and catch up with Sync, as after any close.
        endpoints.MapHub<ChatHub>(IChatHub.Path, o =>
        {
            o.AllowStatefulReconnects = true;
            o.CloseOnAuthenticationExpiration = true;
        }).RequireAuthorization();
        return endpoints;
    }
}
