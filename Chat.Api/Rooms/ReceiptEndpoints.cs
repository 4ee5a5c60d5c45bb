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
        receipts.MapGet("/", async Task<Ok<ReceiptDto[]>> (
                Guid id, Guid? after, int? limit, Caller caller, ReceiptService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ListAsync(caller, id, after, limit, ct)))
            .WithName("ListReceipts").WithSummary("A page of members' deliveredSeq, readSeq and readAt, paged as members are (members only)");

        return receipts;
    }
}
