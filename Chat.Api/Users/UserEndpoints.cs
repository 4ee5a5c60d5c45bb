using Chat.Api.Auth;
using Chat.Contracts;
using Chat.Data;
using Chat.Hubs;
using Chat.Hubs.Errors;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Users;

/// <summary>Profiles under <c>/api/users</c>.</summary>
public static class UserEndpoints
{
    public static RouteGroupBuilder MapUserEndpoints(this RouteGroupBuilder users)
    {
        users.MapGet("/me", async Task<Ok<UserDto>> (Caller caller, UserRepository repository, CancellationToken ct) =>
                TypedResults.Ok(await FindAsync(repository, caller.UserId, ct)))
            .WithName("GetMe").WithSummary("The caller's profile");

        users.MapPatch("/me", async Task<Ok<UserDto>> (
                UpdateProfileRequest request, Caller caller, UserRepository repository, IValidator<UpdateProfileRequest> validator, CancellationToken ct) =>
            {
                validator.EnsureValid(request);
                var updated = await repository.UpdateProfileAsync(caller.UserId, request.DisplayName?.Trim(), request.AvatarUrl, ct)
                    ?? throw ChatException.NotFound("user");
                return TypedResults.Ok(updated.ToDto());
            })
            .WithName("UpdateMe").WithSummary("Changes the caller's display name or avatar")
            .ProducesValidationProblem();

        users.MapDelete("/me/sessions", async Task<NoContent> (Caller caller, UserSessions sessions, CancellationToken ct) =>
            {
                await sessions.EndAllAsync(caller, caller.UserId, ct);
                return TypedResults.NoContent();
            })
            .WithName("SignOutEverywhere").WithSummary("Revokes every refresh token of the caller; access tokens last until they expire");

        users.MapGet("/{id}", async Task<Ok<UserDto>> (Guid id, UserRepository repository, CancellationToken ct) =>
                TypedResults.Ok(await FindAsync(repository, id, ct)))
            .WithName("GetUser").WithSummary("A user's profile with presence and last seen");

        return users;
    }

    private static async Task<UserDto> FindAsync(UserRepository repository, Guid id, CancellationToken ct) =>
        (await repository.FindAsync(id, ct) ?? throw ChatException.NotFound("user")).ToDto();
}
