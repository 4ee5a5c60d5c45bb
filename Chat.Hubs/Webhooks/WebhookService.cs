using Chat.Contracts;
using Chat.Data.Webhooks;
using Chat.Hubs.Errors;
using Chat.Hubs.Rooms;
using FluentValidation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Webhooks;

/// <summary>
/// Registers, lists and deletes webhooks, and shows their deliveries: a room's admins (and global
/// admins) for the room's endpoints, global admins alone for the global ones.
/// </summary>
public sealed partial class WebhookService(
    WebhookRepository webhooks,
    RoomAccess access,
    WebhookSecrets secrets,
    IValidator<CreateWebhookRequest> validator,
    IOptions<WebhookOptions> options,
    TimeProvider clock,
    ILogger<WebhookService> logger)
{
    public const int DefaultDeliveries = 50;
    public const int MaxDeliveries = 200;

    /// <summary>Registers an endpoint for the room (its admins); the answer alone shows the secret.</summary>
    public async Task<WebhookDto> CreateForRoomAsync(Caller caller, Guid roomId, CreateWebhookRequest request, CancellationToken cancellationToken = default)
    {
        await access.RequireAdminAsync(caller, roomId, cancellationToken);
        return await CreateAsync(caller, roomId, request, cancellationToken);
    }

    /// <summary>Registers an endpoint for every room (global admins); the answer alone shows the secret.</summary>
    public async Task<WebhookDto> CreateGlobalAsync(Caller caller, CreateWebhookRequest request, CancellationToken cancellationToken = default)
    {
        RequireGlobalAdmin(caller);
        return await CreateAsync(caller, roomId: null, request, cancellationToken);
    }

    public async Task<WebhookDto[]> ListForRoomAsync(Caller caller, Guid roomId, CancellationToken cancellationToken = default)
    {
        await access.RequireAdminAsync(caller, roomId, cancellationToken);
        return [.. (await webhooks.ListAsync(roomId, cancellationToken)).Select(ToDto)];
    }

    public async Task<WebhookDto[]> ListGlobalAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        RequireGlobalAdmin(caller);
        return [.. (await webhooks.ListAsync(roomId: null, cancellationToken)).Select(ToDto)];
    }

    public async Task<WebhookDto> GetAsync(Caller caller, Guid id, CancellationToken cancellationToken = default) =>
        ToDto(await RequireManagedAsync(caller, id, cancellationToken));

    /// <summary>Deletes the endpoint: its pending deliveries are dropped and none is attempted after this.</summary>
    public async Task DeleteAsync(Caller caller, Guid id, CancellationToken cancellationToken = default)
    {
        var webhook = await RequireManagedAsync(caller, id, cancellationToken);
        await webhooks.DeleteAsync(webhook.Id, cancellationToken);
        LogDeleted(logger, webhook.Id, webhook.RoomId, caller.UserId);
    }

    /// <summary>Resumes an endpoint that failing deliveries paused: new events reach it again.</summary>
    public async Task<WebhookDto> ResumeAsync(Caller caller, Guid id, CancellationToken cancellationToken = default)
    {
        var webhook = await RequireManagedAsync(caller, id, cancellationToken);
        if (!await webhooks.ResumeAsync(webhook.Id, cancellationToken))
        {
            throw ChatException.NotFound("webhook");
        }

        if (webhook.PausedAt is not null)
        {
            LogResumed(logger, webhook.Id, webhook.RoomId, caller.UserId);
        }

        return ToDto(webhook with { PausedAt = null });
    }

    /// <summary>The endpoint's latest deliveries, the latest first: at most <see cref="MaxDeliveries"/>.</summary>
    public async Task<WebhookDeliveryDto[]> DeliveriesAsync(Caller caller, Guid id, int? limit, CancellationToken cancellationToken = default)
    {
        var webhook = await RequireManagedAsync(caller, id, cancellationToken);
        if (limit is < 1 or > MaxDeliveries)
        {
            throw ChatException.Invalid("limit", $"limit must be between 1 and {MaxDeliveries}");
        }

        var deliveries = await webhooks.DeliveriesAsync(webhook.Id, limit ?? DefaultDeliveries, cancellationToken);
        return [.. deliveries.Select(d => new WebhookDeliveryDto(
            d.Id, d.EventType, d.CreatedAt, d.Status, d.Attempts, d.LastStatusCode, d.LastError, d.DeliveredAt, d.NextAttemptAt))];
    }

    private async Task<WebhookDto> CreateAsync(Caller caller, Guid? roomId, CreateWebhookRequest request, CancellationToken cancellationToken)
    {
        validator.EnsureValid(request);
        var settings = options.Value;
        if (await WebhookUrls.ResolvesOnlyToPrivateAsync(request.Url!, settings, cancellationToken))
        {
            throw ChatException.Invalid("url", WebhookUrls.PrivateAddress);
        }

        var id = Guid.CreateVersion7();
        var secret = WebhookSecrets.Generate();
        var webhook = new StoredWebhook
        {
            Id = id,
            RoomId = roomId,
            Url = request.Url!,
            Events = [.. request.Events!.Distinct(StringComparer.Ordinal)],
            Secret = secrets.Seal(id, secret),
            CreatedBy = caller.UserId,
            CreatedAt = clock.UtcNowAsStored(),
        };
        if (!await webhooks.CreateAsync(webhook, settings.MaxPerRoom, cancellationToken))
        {
            throw new ChatException(
                ErrorCodes.Limit,
                roomId is null ? $"at most {settings.MaxPerRoom} global webhooks" : $"a room has at most {settings.MaxPerRoom} webhooks");
        }

        LogCreated(logger, id, roomId, caller.UserId);
        return ToDto(webhook) with { Secret = secret };
    }

    /// <summary>The endpoint, if the caller manages it: its room's admins and global admins, or global admins alone for a global one.</summary>
    private async Task<StoredWebhook> RequireManagedAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var webhook = await webhooks.FindAsync(id, cancellationToken) ?? throw ChatException.NotFound("webhook");
        if (webhook.RoomId is { } roomId)
        {
            await access.RequireAdminAsync(caller, roomId, cancellationToken);
        }
        else
        {
            RequireGlobalAdmin(caller);
        }

        return webhook;
    }

    private static void RequireGlobalAdmin(Caller caller)
    {
        if (!caller.IsGlobalAdmin)
        {
            throw ChatException.Forbidden("only administrators manage global webhooks");
        }
    }

    private static WebhookDto ToDto(StoredWebhook webhook) =>
        new(webhook.Id, webhook.RoomId, webhook.Url, webhook.Events, webhook.CreatedAt, PausedAt: webhook.PausedAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {WebhookId} registered for room {RoomId} by {UserId}")]
    private static partial void LogCreated(ILogger logger, Guid webhookId, Guid? roomId, Guid userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {WebhookId} of room {RoomId} deleted by {UserId}")]
    private static partial void LogDeleted(ILogger logger, Guid webhookId, Guid? roomId, Guid userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook {WebhookId} of room {RoomId} resumed by {UserId}")]
    private static partial void LogResumed(ILogger logger, Guid webhookId, Guid? roomId, Guid userId);
}
