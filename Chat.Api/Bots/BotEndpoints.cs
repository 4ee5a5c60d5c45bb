using Chat.Api.Limits;
using Chat.Contracts;
using Chat.Hubs;
using Chat.Hubs.Bots;
using Chat.Hubs.Limits;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Bots;

/// <summary>The bots: <c>/api/bots</c> lists them, <c>/api/rooms/{id}/bots</c> adds and removes them.</summary>
public static class BotEndpoints
{
    public static RouteGroupBuilder MapBotEndpoints(this RouteGroupBuilder bots)
    {
        bots.MapGet("/", Ok<IReadOnlyList<UserDto>> (RoomBotService service) => TypedResults.Ok(service.List()))
            .WithName("ListBots").WithSummary("The bots this service runs; room admins add them to rooms");
        return bots;
    }

    public static RouteGroupBuilder MapRoomBotEndpoints(this RouteGroupBuilder roomBots)
    {
        roomBots.MapPost("/", async Task<Created<MemberDto>> (Guid id, AddBotRequest request, Caller caller, RoomBotService service, CancellationToken ct) =>
            {
                var member = await service.AddAsync(caller, id, request.UserName, ct);
                return TypedResults.Created($"/api/rooms/{id}/members/{member.UserId}", member);
            })
            .RequireBudget(Budget.Membership)
            .WithName("AddBot").WithSummary("Adds a bot to the room (admin); it replies as the room's botReplies setting says");

        roomBots.MapDelete("/{userId}", async Task<NoContent> (Guid id, Guid userId, Caller caller, RoomBotService service, CancellationToken ct) =>
            {
                await service.RemoveAsync(caller, id, userId, ct);
                return TypedResults.NoContent();
            })
            .RequireBudget(Budget.Membership)
            .WithName("RemoveBot").WithSummary("Takes a bot out of the room (admin)");
        return roomBots;
    }
}
