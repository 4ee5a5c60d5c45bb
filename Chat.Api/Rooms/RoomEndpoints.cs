using Chat.Api.Hosting;
using Chat.Contracts;
using Chat.Hubs;
using Chat.Hubs.Rooms;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Rooms;

/// <summary>Rooms and membership under <c>/api/rooms</c>.</summary>
public static class RoomEndpoints
{
    public static IEndpointRouteBuilder MapRoomEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var rooms = endpoints.MapAuthorizedGroup("/api/rooms", "Rooms");

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

        rooms.MapGet("/{id}/members", async Task<Ok<IReadOnlyList<MemberDto>>> (Guid id, Caller caller, RoomService service, CancellationToken ct) =>
                TypedResults.Ok(await service.MembersAsync(caller, id, ct)))
            .WithName("ListMembers").WithSummary("Members with role, presence and mute");

        rooms.MapPost("/{id}/members", async Task<Ok<MemberDto>> (Guid id, Caller caller, MembershipService service, CancellationToken ct) =>
                TypedResults.Ok(await service.JoinAsync(caller, id, ct)))
            .WithName("JoinRoom").WithSummary("Joins a public room; the caller's open connections join too");

        rooms.MapDelete("/{id}/members/me", async Task<NoContent> (Guid id, Caller caller, MembershipService service, CancellationToken ct) =>
            {
                await service.LeaveAsync(caller, id, ct);
                return TypedResults.NoContent();
            })
            .WithName("LeaveRoom").WithSummary("Leaves a room; the caller's open connections leave too");

        return endpoints;
    }
}
