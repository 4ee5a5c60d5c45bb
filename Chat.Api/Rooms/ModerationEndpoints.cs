using Chat.Contracts;
using Chat.Hubs;
using Chat.Hubs.Moderation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Chat.Api.Rooms;

/// <summary>Roles, mutes, kicks and bans under <c>/api/rooms/{id}</c>.</summary>
public static class ModerationEndpoints
{
    public static RouteGroupBuilder MapModerationEndpoints(this RouteGroupBuilder moderation)
    {
        moderation.MapPut("/members/{userId}/role", async Task<Ok<MemberDto>> (
                Guid id, Guid userId, ChangeRoleRequest request, Caller caller, ModerationService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ChangeRoleAsync(caller, id, userId, request, ct)))
            .WithName("ChangeMemberRole").WithSummary("Gives a member another room role (admin)")
            .ProducesProblem(StatusCodes.Status409Conflict);

        moderation.MapPost("/members/{userId}/mute", async Task<Ok<MemberDto>> (
                Guid id, Guid userId, MuteRequest request, Caller caller, ModerationService service, CancellationToken ct) =>
                TypedResults.Ok(await service.MuteAsync(caller, id, userId, request, ct)))
            .WithName("MuteMember").WithSummary("Mutes a member for durationSeconds (moderator+)");

        moderation.MapDelete("/members/{userId}/mute", async Task<Ok<MemberDto>> (
                Guid id, Guid userId, Caller caller, ModerationService service, CancellationToken ct) =>
                TypedResults.Ok(await service.UnmuteAsync(caller, id, userId, ct)))
            .WithName("UnmuteMember").WithSummary("Lifts a member's mute (moderator+)");

        moderation.MapPost("/members/{userId}/kick", async Task<NoContent> (
                Guid id,
                Guid userId,
                [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] KickRequest? request,
                Caller caller,
                ModerationService service,
                CancellationToken ct) =>
            {
                await service.KickAsync(caller, id, userId, request ?? new KickRequest(null), ct);
                return TypedResults.NoContent();
            })
            .WithName("KickMember").WithSummary("Removes a member from the room at once (moderator+)");

        moderation.MapPost("/bans", async Task<NoContent> (Guid id, BanRequest request, Caller caller, ModerationService service, CancellationToken ct) =>
            {
                await service.BanAsync(caller, id, request, ct);
                return TypedResults.NoContent();
            })
            .WithName("BanUser").WithSummary("Bans a user: removed at once and refused on every later join (moderator+)");

        moderation.MapDelete("/bans/{userId}", async Task<NoContent> (Guid id, Guid userId, Caller caller, ModerationService service, CancellationToken ct) =>
            {
                await service.UnbanAsync(caller, id, userId, ct);
                return TypedResults.NoContent();
            })
            .WithName("UnbanUser").WithSummary("Lifts a ban (moderator+)");

        return moderation;
    }
}
