using Chat.Api.Limits;
using Chat.Contracts;
using Chat.Hubs;
using Chat.Hubs.Limits;
using Chat.Hubs.Rooms;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Rooms;

/// <summary>A room's members under <c>/api/rooms/{id}/members</c>: listing them, joining and leaving.</summary>
public static class MemberEndpoints
{
    public static RouteGroupBuilder MapMemberEndpoints(this RouteGroupBuilder members)
    {
        members.MapGet("/", async Task<Ok<IReadOnlyList<MemberDto>>> (
                Guid id, Guid? after, int? limit, Caller caller, RoomService service, CancellationToken ct) =>
                TypedResults.Ok(await service.MembersAsync(caller, id, after, limit, ct)))
            .RequireBudget(Budget.History)
            .WithName("ListMembers").WithSummary("A page of members with role, presence and mute, in user id order (limit at most 1000, default 200; next page after the last userId)");

        members.MapPost("/", async Task<Ok<MemberDto>> (Guid id, Caller caller, MembershipService service, CancellationToken ct) =>
                TypedResults.Ok(await service.JoinAsync(caller, id, ct)))
            .WithName("JoinRoom").WithSummary("Joins a public room; the caller's open connections join too")
            .RequireBudget(Budget.Membership);

        members.MapDelete("/me", async Task<NoContent> (Guid id, Caller caller, MembershipService service, CancellationToken ct) =>
            {
                await service.LeaveAsync(caller, id, ct);
                return TypedResults.NoContent();
            })
            .WithName("LeaveRoom").WithSummary("Leaves a room; the caller's open connections leave too")
            .RequireBudget(Budget.Membership);

        return members;
    }
}
