using System.Security.Claims;
using Chat.Contracts;
using Chat.Hubs;
using Chat.Hubs.Rooms;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Rooms;

/// <summary>Replacing a room's settings.</summary>
public static class RoomSettingsEndpoints
{
    public static IEndpointRouteBuilder MapRoomSettingsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var rooms = endpoints.MapGroup("/api/rooms").WithTags("Rooms").RequireAuthorization()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        rooms.MapPut("/{id}/settings", async Task<Ok<RoomDto>> (
                Guid id, RoomSettings settings, ClaimsPrincipal user, RoomSettingsService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ReplaceAsync(user.UserId(), user.GlobalRole(), id, settings, ct)))
            .WithName("ReplaceRoomSettings").WithSummary("Replaces the whole settings object (room admin)");

        return endpoints;
    }
}
