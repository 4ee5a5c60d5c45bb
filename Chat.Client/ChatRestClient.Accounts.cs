using Chat.Contracts;

namespace Chat.Client;

/// <summary>Sign-in (<c>/auth</c>), profiles and blocks (<c>/api/users</c>).</summary>
public sealed partial class ChatRestClient
{
    /// <summary>Creates an account; a taken userName is <c>conflict</c>.</summary>
    public Task<UserDto> RegisterAsync(RegisterRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<UserDto>(HttpMethod.Post, "auth/register", request, cancellationToken);

    /// <summary>Signs a user in; a wrong name or password is <c>unauthorized</c>.</summary>
    public Task<TokenResponse> GetTokenAsync(string userName, string password, CancellationToken cancellationToken = default) =>
        SendAsync<TokenResponse>(HttpMethod.Post, "auth/token", new TokenRequest(userName, password), cancellationToken);

    /// <summary>A token for a new guest account.</summary>
    public Task<TokenResponse> GetGuestTokenAsync(string displayName, CancellationToken cancellationToken = default) =>
        SendAsync<TokenResponse>(HttpMethod.Post, "auth/guest", new GuestRequest(displayName), cancellationToken);

    /// <summary>
    /// A token for the account <c>service-{name}</c> of a service client configured on the server
    /// (<c>Services:Clients</c>); such a token may send <c>system</c> messages.
    /// </summary>
    public Task<TokenResponse> GetServiceTokenAsync(string name, string secret, CancellationToken cancellationToken = default) =>
        SendAsync<TokenResponse>(HttpMethod.Post, "auth/service-token", new ServiceTokenRequest(name, secret), cancellationToken);

    /// <summary>
    /// A new access token and refresh token for <paramref name="refreshToken"/>, which stops
    /// working; a refresh token that is not (or no longer) valid is <c>unauthorized</c>.
    /// </summary>
    public Task<TokenResponse> RefreshTokenAsync(string refreshToken, CancellationToken cancellationToken = default) =>
        SendAsync<TokenResponse>(HttpMethod.Post, "auth/refresh", new RefreshRequest(refreshToken), cancellationToken);

    /// <summary>Signs out: the refresh token's sign-in is revoked.</summary>
    public Task SignOutAsync(string refreshToken, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "auth/logout", new RefreshRequest(refreshToken), cancellationToken);

    /// <summary>Revokes every sign-in of the caller; access tokens already issued last until they expire.</summary>
    public Task RevokeMySessionsAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, "api/users/me/sessions", null, cancellationToken);

    public Task<UserDto> GetMeAsync(CancellationToken cancellationToken = default) =>
        GetAsync<UserDto>("api/users/me", cancellationToken);

    /// <summary>Changes the caller's display name or avatar; null leaves a field as it is.</summary>
    public Task<UserDto> UpdateMeAsync(UpdateProfileRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<UserDto>(HttpMethod.Patch, "api/users/me", request, cancellationToken);

    /// <summary>A user's profile with presence and last seen.</summary>
    public Task<UserDto> GetUserAsync(Guid userId, CancellationToken cancellationToken = default) =>
        GetAsync<UserDto>($"api/users/{userId}", cancellationToken);

    public Task<UserDto[]> GetBlockedUsersAsync(CancellationToken cancellationToken = default) =>
        GetAsync<UserDto[]>("api/users/me/blocks", cancellationToken);

    /// <summary>Blocks a user; answers the whole block list.</summary>
    public Task<UserDto[]> BlockUserAsync(Guid userId, CancellationToken cancellationToken = default) =>
        SendAsync<UserDto[]>(HttpMethod.Post, "api/users/me/blocks", new BlockUserRequest(userId), cancellationToken);

    public Task UnblockUserAsync(Guid userId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"api/users/me/blocks/{userId}", null, cancellationToken);
}
