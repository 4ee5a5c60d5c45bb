using Chat.Contracts;
using Chat.Hubs;
using Chat.Hubs.Notifications;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Chat.Api.Notifications;

/// <summary>
/// Offline notifications: the VAPID key under <c>/api/push</c>, the caller's browsers under
/// <c>/api/users/me/push-subscriptions</c>, and muting a room under <c>/api/rooms/{id}/notifications</c>.
/// </summary>
public static class PushEndpoints
{
    public static RouteGroupBuilder MapPushEndpoints(this RouteGroupBuilder push)
    {
        push.MapGet("/public-key", Ok<PushPublicKeyDto> (PushSubscriptionService service) => TypedResults.Ok(service.PublicKey()))
            .WithName("GetPushPublicKey").WithSummary("The VAPID public key browsers subscribe with; 404 when push is not configured");

        return push;
    }

    public static RouteGroupBuilder MapPushSubscriptionEndpoints(this RouteGroupBuilder subscriptions)
    {
        subscriptions.MapPost("/", async Task<Created> (
                PushSubscriptionRequest request, Caller caller, PushSubscriptionService service, CancellationToken ct) =>
            {
                await service.SubscribeAsync(caller, request, ct);
                return TypedResults.Created();
            })
            .WithName("AddPushSubscription")
            .WithSummary("Stores a browser's push subscription (PushSubscription.toJSON()) for the caller; the same endpoint again updates it")
            .ProducesProblem(StatusCodes.Status404NotFound);

        // The endpoint is a URL and goes in the body: as a path segment it would need escaping twice.
        subscriptions.MapDelete("/", async Task<NoContent> (
                [FromBody] RemovePushSubscriptionRequest request, Caller caller, PushSubscriptionService service, CancellationToken ct) =>
            {
                await service.UnsubscribeAsync(caller, request, ct);
                return TypedResults.NoContent();
            })
            .WithName("RemovePushSubscription").WithSummary("Removes one of the caller's push subscriptions by its endpoint");

        return subscriptions;
    }

    public static RouteGroupBuilder MapRoomNotificationEndpoints(this RouteGroupBuilder notifications)
    {
        notifications.MapPut("/", async Task<NoContent> (
                Guid id, RoomNotificationsRequest request, Caller caller, RoomNotificationService service, CancellationToken ct) =>
            {
                await service.SetMutedAsync(caller, id, request, ct);
                return TypedResults.NoContent();
            })
            .WithName("SetRoomNotifications").WithSummary("Mutes or unmutes the caller's notifications of a room (members)");

        return notifications;
    }
}
