using Chat.Api.Limits;
using Chat.Contracts;
using Chat.Hubs.Limits;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Auth;

/// <summary>Registration and token endpoints under <c>/auth</c>.</summary>
public static class AuthEndpoints
{
    public static RouteGroupBuilder MapAuthEndpoints(this RouteGroupBuilder auth)
    {
        auth.MapPost("/register", async Task<Created<UserDto>> (RegisterRequest request, AccountService accounts, CancellationToken ct) =>
            {
                var user = await accounts.RegisterAsync(request, ct);
                return TypedResults.Created($"/api/users/{user.Id}", user);
            })
            .WithName("Register").WithSummary("Creates an account").ProducesProblem(StatusCodes.Status409Conflict)
            .RequireBudget(Budget.Registrations).ProducesProblem(StatusCodes.Status429TooManyRequests);

        // Throttled by failures, which only the handler knows (see SignInThrottle), not by the rate limiter.
        auth.MapPost("/token", async Task<Ok<TokenResponse>> (TokenRequest request, AccountService accounts, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await accounts.SignInAsync(request, ClientAddress.Of(http), ct)))
            .WithName("CreateToken").WithSummary("Signs in and returns an access token")
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        auth.MapPost("/guest", async Task<Ok<TokenResponse>> (GuestRequest request, AccountService accounts, CancellationToken ct) =>
                TypedResults.Ok(await accounts.GuestAsync(request, ct)))
            .WithName("CreateGuest").WithSummary("Creates a guest account and returns its access token")
            .RequireBudget(Budget.Guests).ProducesProblem(StatusCodes.Status429TooManyRequests);

        // Failed refreshes count against the address like failed sign-ins (see UserSessions).
        auth.MapPost("/refresh", async Task<Ok<TokenResponse>> (RefreshRequest request, UserSessions sessions, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await sessions.RefreshAsync(request, ClientAddress.Of(http), ct)))
            .WithName("RefreshToken").WithSummary("Replaces a refresh token with a new one and returns a new access token")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status429TooManyRequests);

        auth.MapPost("/logout", async Task<NoContent> (RefreshRequest request, UserSessions sessions, HttpContext http, CancellationToken ct) =>
            {
                await sessions.EndAsync(request, ClientAddress.Of(http), ct);
                return TypedResults.NoContent();
            })
            .WithName("SignOut").WithSummary("Revokes the refresh token's sign-in")
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        auth.MapPost("/service-token", async Task<Ok<TokenResponse>> (ServiceTokenRequest request, ServiceAccountService services, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await services.SignInAsync(request, ClientAddress.Of(http), ct)))
            .WithName("CreateServiceToken").WithSummary("Signs a configured service client in; its token has the role service")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status429TooManyRequests);

        return auth;
    }
}
