using Chat.Contracts;
using Chat.Hubs;
using Chat.Hubs.Rooms;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Rooms;

/// <summary>Issuing invitations to a room and accepting them.</summary>
public static class InvitationEndpoints
{
    public static IEndpointRouteBuilder MapInvitationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/rooms/{id}/invitations", async Task<Created<InvitationDto>> (
                Guid id, CreateInvitationRequest request, Caller caller, InvitationService service, CancellationToken ct) =>
            {
                var invitation = await service.CreateAsync(caller, id, request, ct);
                return TypedResults.Created((string?)null, invitation);
            })
            .RequireAuthorization().WithTags("Rooms")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("CreateInvitation")
            .WithSummary("Issues an invitation token (members of public rooms, moderators and admins of private ones)");

        endpoints.MapPost("/api/invitations/{token}/accept", async Task<Ok<MemberDto>> (
                string token, Caller caller, InvitationService service, CancellationToken ct) =>
                TypedResults.Ok(await service.AcceptAsync(caller, token, ct)))
            .RequireAuthorization().WithTags("Rooms")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status410Gone)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithName("AcceptInvitation")
            .WithSummary("Joins the invited room, private rooms included; expired or used-up invitations are gone");

        return endpoints;
    }
}
