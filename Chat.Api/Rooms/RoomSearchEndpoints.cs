using Chat.Api.Limits;
using Chat.Contracts;
using Chat.Hubs;
using Chat.Hubs.Limits;
using Chat.Hubs.Rooms;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Rooms;

/// <summary>Finding rooms by name or by member.</summary>
public static class RoomSearchEndpoints
{
    public static RouteGroupBuilder MapRoomSearchEndpoints(this RouteGroupBuilder rooms)
    {
        // A literal segment outranks the {id} parameter in routing, so "search" is never read as a room id.
        rooms.MapGet("/search", async Task<Ok<RoomDto[]>> (
                string? q, string? member, Caller caller, RoomSearchService service, CancellationToken ct) =>
                TypedResults.Ok(await service.SearchAsync(caller, q, member, ct)))
            .WithName("SearchRooms")
            .WithSummary("Public rooms and the caller's private rooms by name (closest first) or by a member's userName; at most 50")
            .RequireBudget(Budget.Search);

        return rooms;
    }
}
