using Chat.Contracts;
using Chat.Hubs;
using Chat.Hubs.Rooms;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Rooms;

/// <summary>Issuing invitations under <c>/api/rooms/{id}/invitations</c> and accepting them under <c>/api/invitations</c>.</summary>
public static class InvitationEndpoints
{
    public static RouteGroupBuilder MapRoomInvitationEndpoints(this RouteGroupBuilder roomInvitations)
    {
        roomInvitations.MapPost("/", async Task<Created<InvitationDto>> (
                Guid id, CreateInvitationRequest request, Caller caller, InvitationService service, CancellationToken ct) =>
            {
                var invitation = await service.CreateAsync(caller, id, request, ct);
                return TypedResults.Created((string?)null, invitation);
            })
            .WithName("CreateInvitation")
            .WithSummary("Issues an invitation token (members of public rooms, moderators and admins of private ones)");

        roomInvitations.MapGet("/", async Task<Ok<InvitationSummaryDto[]>> (Guid id, Caller caller, InvitationService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ListAsync(caller, id, ct)))
            .WithName("ListInvitations")
            .WithSummary("The room's invitations that still work, without their tokens (moderators and up)");

        roomInvitations.MapDelete("/{invitationId}", async Task<NoContent> (
                Guid id, Guid invitationId, Caller caller, InvitationService service, CancellationToken ct) =>
            {
                await service.RevokeAsync(caller, id, invitationId, ct);
                return TypedResults.NoContent();
            })
            .WithName("RevokeInvitation")
            .WithSummary("Revokes an invitation: its token no longer works (moderators and up)");

        return roomInvitations;
    }

    public static RouteGroupBuilder MapInvitationEndpoints(this RouteGroupBuilder invitations)
    {
        invitations.MapPost("/{token}/accept", async Task<Ok<MemberDto>> (
                string token, Caller caller, InvitationService service, CancellationToken ct) =>
                TypedResults.Ok(await service.AcceptAsync(caller, token, ct)))
            .ProducesProblem(StatusCodes.Status410Gone)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithName("AcceptInvitation")
            .WithSummary("Joins the invited room, private rooms included; expired or used-up invitations are gone");

        return invitations;
    }
}
