using Chat.Api.Auth;
using Chat.Hubs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Admin;

/// <summary>Signing users out, for global administrators, under <c>/api/admin</c>.</summary>
public static class SessionEndpoints
{
    public static RouteGroupBuilder MapSessionEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapDelete("/users/{id}/sessions", async Task<NoContent> (Guid id, Caller caller, UserSessions sessions, CancellationToken ct) =>
            {
                await sessions.EndAllAsync(caller, id, ct);
                return TypedResults.NoContent();
            })
            .WithName("RevokeUserSessions").WithSummary("Revokes every refresh token of a user; their access tokens last until they expire")
            .ProducesProblem(StatusCodes.Status403Forbidden);

        return admin;
    }
}
