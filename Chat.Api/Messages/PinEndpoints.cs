using Chat.Api.Limits;
using Chat.Contracts;
using Chat.Hubs;
using Chat.Hubs.Limits;
using Chat.Hubs.Messages;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Messages;

/// <summary>A room's pinned messages under <c>/api/rooms/{id}/pins</c>.</summary>
public static class PinEndpoints
{
    public static RouteGroupBuilder MapPinEndpoints(this RouteGroupBuilder pins)
    {
        pins.MapGet("/", async Task<Ok<PinDto[]>> (Guid id, Caller caller, PinService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ListAsync(caller, id, ct)))
            .WithName("ListPins").WithSummary("The room's pinned messages, the latest pin first (members)")
            .RequireBudget(Budget.History);

        // The hub's PinMessage and UnpinMessage spend the Edits budget too.
        pins.MapPut("/{messageId}", async Task<Ok<PinDto>> (Guid id, Guid messageId, Caller caller, PinService service, CancellationToken ct) =>
                TypedResults.Ok(await service.PinAsync(caller, id, messageId, ct)))
            .WithName("PinMessage")
            .WithSummary("Pins a message (moderators and admins); pinning it again changes nothing. Private and deleted messages are invalid; a room holds at most 50 pins (429 limit)")
            .RequireBudget(Budget.Edits);

        pins.MapDelete("/{messageId}", async Task<NoContent> (Guid id, Guid messageId, Caller caller, PinService service, CancellationToken ct) =>
            {
                await service.UnpinAsync(caller, id, messageId, ct);
                return TypedResults.NoContent();
            })
            .WithName("UnpinMessage").WithSummary("Takes a message's pin away (moderators and admins); a message that is not pinned stays so")
            .RequireBudget(Budget.Edits);

        return pins;
    }
}
