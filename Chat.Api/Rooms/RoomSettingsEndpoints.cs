using Chat.Api.Hosting;
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
        var rooms = endpoints.MapAuthorizedGroup("/api/rooms", "Rooms");

        rooms.MapPut("/{id}/settings", async Task<Ok<RoomDto>> (
                Guid id, RoomSettings settings, Caller caller, RoomSettingsService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ReplaceAsync(caller, id, settings, ct)))
            .WithName("ReplaceRoomSettings").WithSummary("Replaces the whole settings object (room admin)");

        return endpoints;
    }
}
