using Chat.Contracts;
using Chat.Hubs;
using Chat.Hubs.Receipts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Rooms;

/// <summary>Delivery and read receipts under <c>/api/rooms/{id}/receipts</c>; marking them is the hub's.</summary>
public static class ReceiptEndpoints
{
    public static RouteGroupBuilder MapReceiptEndpoints(this RouteGroupBuilder receipts)
    {
        receipts.MapGet("/", async Task<Ok<ReceiptDto[]>> (Guid id, Caller caller, ReceiptService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ListAsync(caller, id, ct)))
            .WithName("ListReceipts").WithSummary("Each member's deliveredSeq, readSeq and readAt (members only)");

        return receipts;
    }
}
