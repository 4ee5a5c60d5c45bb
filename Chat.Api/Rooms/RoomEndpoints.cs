using Chat.Contracts;
using Chat.Hubs;
using Chat.Hubs.Rooms;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Rooms;

/// <summary>Rooms under <c>/api/rooms</c>: creating, listing, reading and renaming them.</summary>
public static class RoomEndpoints
{
    public static RouteGroupBuilder MapRoomEndpoints(this RouteGroupBuilder rooms)
    {
        rooms.MapPost("/", async Task<Created<RoomDto>> (CreateRoomRequest request, Caller caller, RoomService service, CancellationToken ct) =>
            {
                var room = await service.CreateAsync(caller, request, ct);
                return TypedResults.Created($"/api/rooms/{room.Id}", room);
            })
            .WithName("CreateRoom").WithSummary("Creates a room; the creator becomes its admin");

        rooms.MapGet("/", async Task<Ok<IReadOnlyList<RoomDto>>> (Caller caller, RoomService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ListMineAsync(caller, ct)))
            .WithName("ListMyRooms").WithSummary("The caller's rooms with unread counts and last messages");

        rooms.MapGet("/{id}", async Task<Ok<RoomDto>> (Guid id, Caller caller, RoomService service, CancellationToken ct) =>
                TypedResults.Ok(await service.GetAsync(caller, id, ct)))
            .WithName("GetRoom").WithSummary("A room the caller may see");

        rooms.MapPatch("/{id}", async Task<Ok<RoomDto>> (Guid id, UpdateRoomRequest request, Caller caller, RoomService service, CancellationToken ct) =>
                TypedResults.Ok(await service.UpdateAsync(caller, id, request, ct)))
            .WithName("UpdateRoom").WithSummary("Renames a room or changes its topic (admin)");

        return rooms;
    }
}
