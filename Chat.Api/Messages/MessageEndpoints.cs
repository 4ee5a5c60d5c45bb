using Chat.Api.Limits;
using Chat.Contracts;
using Chat.Hubs;
using Chat.Hubs.Errors;
using Chat.Hubs.Limits;
using Chat.Hubs.Messages;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Messages;

/// <summary>History and sending over HTTP, for other services, under <c>/api/rooms/{id}/messages</c>.</summary>
public static class MessageEndpoints
{
    private const int DefaultPageSize = 50;

    public static RouteGroupBuilder MapMessageEndpoints(this RouteGroupBuilder messages)
    {
        messages.MapGet("/", async Task<Ok<MessageDto[]>> (
                Guid id, long? beforeSeq, long? afterSeq, int? limit, Caller caller, MessageHistory history, CancellationToken ct) =>
                TypedResults.Ok(await history.HistoryAsync(caller, id, beforeSeq, afterSeq, limit ?? DefaultPageSize, ct)))
            .WithName("GetHistory").WithSummary("A page of history, newest last (limit at most 200)")
            .RequireBudget(Budget.History);

        messages.MapPost("/", async Task<Ok<MessageAck>> (Guid id, SendMessageRequest request, Caller caller, MessageSender sender, CancellationToken ct) =>
            {
                // The body is the hub's; the route names the room, and a body that names another is refused.
                if (request.RoomId is { Length: > 0 } bodyRoom && WireIds.Parse(bodyRoom, "roomId") != id)
                {
                    throw ChatException.Invalid("roomId in the body differs from the room in the route");
                }

                var ack = await sender.SendAsync(caller, request with { RoomId = id.ToString() }, cancellationToken: ct);
                return TypedResults.Ok(ack);
            })
            // Spends the Messages budget in MessageSender, shared with the hub's SendMessage.
            .WithName("SendMessage").WithSummary("Sends a message over HTTP; the same body and ack as the hub")
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        return messages;
    }
}
