using Chat.Contracts;
using Chat.Hubs;
using Chat.Hubs.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Webhooks;

/// <summary>
/// Webhooks: a room's under <c>/api/rooms/{id}/webhooks</c>, the global ones under
/// <c>/api/admin/webhooks</c>, and any one by its id under <c>/api/webhooks</c>.
/// </summary>
public static class WebhookEndpoints
{
    public static RouteGroupBuilder MapRoomWebhookEndpoints(this RouteGroupBuilder roomWebhooks)
    {
        roomWebhooks.MapPost("/", async Task<Created<WebhookDto>> (
                Guid id, CreateWebhookRequest request, Caller caller, WebhookService service, CancellationToken ct) =>
            {
                var webhook = await service.CreateForRoomAsync(caller, id, request, ct);
                return TypedResults.Created($"/api/webhooks/{webhook.Id}", webhook);
            })
            .WithName("CreateRoomWebhook")
            .WithSummary("Registers an endpoint for the room's events (room admins); the answer alone shows the signing secret")
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        roomWebhooks.MapGet("/", async Task<Ok<WebhookDto[]>> (Guid id, Caller caller, WebhookService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ListForRoomAsync(caller, id, ct)))
            .WithName("ListRoomWebhooks").WithSummary("The room's endpoints, without their secrets (room admins)");

        return roomWebhooks;
    }

    public static RouteGroupBuilder MapAdminWebhookEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapPost("/webhooks", async Task<Created<WebhookDto>> (CreateWebhookRequest request, Caller caller, WebhookService service, CancellationToken ct) =>
            {
                var webhook = await service.CreateGlobalAsync(caller, request, ct);
                return TypedResults.Created($"/api/webhooks/{webhook.Id}", webhook);
            })
            .WithTags("Webhooks")
            .WithName("CreateGlobalWebhook")
            .WithSummary("Registers an endpoint for the events of every room (global admins); the answer alone shows the signing secret")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        admin.MapGet("/webhooks", async Task<Ok<WebhookDto[]>> (Caller caller, WebhookService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ListGlobalAsync(caller, ct)))
            .WithTags("Webhooks")
            .WithName("ListGlobalWebhooks").WithSummary("The global endpoints, without their secrets (global admins)");

        return admin;
    }

    public static RouteGroupBuilder MapWebhookEndpoints(this RouteGroupBuilder webhooks)
    {
        webhooks.MapGet("/{id}", async Task<Ok<WebhookDto>> (Guid id, Caller caller, WebhookService service, CancellationToken ct) =>
                TypedResults.Ok(await service.GetAsync(caller, id, ct)))
            .WithName("GetWebhook").WithSummary("An endpoint, without its secret (its room's admins, or global admins)");

        webhooks.MapDelete("/{id}", async Task<NoContent> (Guid id, Caller caller, WebhookService service, CancellationToken ct) =>
            {
                await service.DeleteAsync(caller, id, ct);
                return TypedResults.NoContent();
            })
            .WithName("DeleteWebhook").WithSummary("Deletes an endpoint; its pending deliveries are dropped (its room's admins, or global admins)");

        webhooks.MapPost("/{id}/resume", async Task<Ok<WebhookDto>> (Guid id, Caller caller, WebhookService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ResumeAsync(caller, id, ct)))
            .WithName("ResumeWebhook")
            .WithSummary("Resumes an endpoint its failing deliveries paused: new events reach it again (its room's admins, or global admins)");

        webhooks.MapGet("/{id}/deliveries", async Task<Ok<WebhookDeliveryDto[]>> (
                Guid id, int? limit, Caller caller, WebhookService service, CancellationToken ct) =>
                TypedResults.Ok(await service.DeliveriesAsync(caller, id, limit, ct)))
            .WithName("ListWebhookDeliveries")
            .WithSummary("The endpoint's latest deliveries, the latest first: limit 1-200, 50 by default (its room's admins, or global admins)")
            .ProducesValidationProblem();

        return webhooks;
    }
}
