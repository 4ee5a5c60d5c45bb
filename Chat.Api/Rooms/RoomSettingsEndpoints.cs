using System.Security.Claims;
using Chat.Contracts;
using Chat.Hubs;
using Chat.Hubs.Rooms;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Rooms;

/// <summary>A room's settings and the room search.</summary>
public static class RoomSettingsEndpoints
{
    public static IEndpointRouteBuilder MapRoomSettingsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var rooms = endpoints.MapGroup("/api/rooms").WithTags("Rooms").RequireAuthorization()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        rooms.MapPut("/{id}/settings", async Task<Ok<RoomDto>> (
                Guid id, RoomSettings settings, ClaimsPrincipal user, RoomSettingsService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ReplaceAsync(user.UserId(), user.GlobalRole(), id, settings, ct)))
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("ReplaceRoomSettings").WithSummary("Replaces the whole settings object (room admin)");

        // A literal segment outranks the {id} parameter in routing, so "search" is never read as a room id.
        rooms.MapGet("/search", async Task<Ok<RoomDto[]>> (
                string? q, string? member, ClaimsPrincipal user, RoomSearchService service, CancellationToken ct) =>
                TypedResults.Ok(await service.SearchAsync(user.UserId(), q, member, ct)))
            .WithName("SearchRooms")
            .WithSummary("Public rooms and the caller's private rooms by name (closest first) or by a member's userName; at most 50");

        return endpoints;
    }
}
