using System.Buffers.Text;
using System.Security.Cryptography;
using Chat.Contracts;
using Chat.Data;
using Chat.Hubs;
using Chat.Hubs.Errors;
using Microsoft.Extensions.Options;

namespace Chat.Api.Auth;

/// <summary>
/// A user's sign-ins: each hands out a short-lived access token and a refresh token that renews it.
/// A refresh replaces the refresh token (the old one stops working) and reads the user afresh, so a
/// role change shows in the next access token. A refresh token used twice means a copy is in other
/// hands: the whole sign-in is revoked (OAuth 2.0 Security BCP, refresh token rotation).
/// </summary>
public sealed partial class UserSessions(
    RefreshTokenRepository refreshTokens,
    UserRepository users,
    TokenIssuer tokens,
    SignInThrottle throttle,
    IOptions<JwtOptions> options,
    TimeProvider clock,
    ILogger<UserSessions> logger)
{
    private const int TokenBytes = 32;

    /// <summary>Starts a sign-in of <paramref name="user"/>: an access token and the first refresh token of a new family.</summary>
    public async Task<TokenResponse> StartAsync(ChatUser user, CancellationToken cancellationToken)
    {
        var (refreshToken, hash) = NewRefreshToken();
        var (now, expiresAt) = RefreshWindow();
        await refreshTokens.IssueAsync(Guid.CreateVersion7(), user.Id, hash, now, expiresAt, cancellationToken);
        return tokens.Issue(user) with { RefreshToken = refreshToken, RefreshExpiresAt = expiresAt };
    }

    /// <summary>
    /// A new access token and refresh token for a refresh token in use. Anything else is
    /// <c>unauthorized</c>, and counts as a failed sign-in of <paramref name="clientAddress"/>.
    /// </summary>
    public async Task<TokenResponse> RefreshAsync(RefreshRequest request, string clientAddress, CancellationToken cancellationToken)
    {
        await throttle.BeginAsync(clientAddress);
        var presented = HashOf(request.RefreshToken) ?? throw NotValid();
        var (refreshToken, hash) = NewRefreshToken();
        var (now, expiresAt) = RefreshWindow();
        var (outcome, userId) = await refreshTokens.RotateAsync(presented, hash, now, expiresAt, cancellationToken);
        if (outcome == RefreshOutcome.Reused)
        {
            LogReused(logger, userId, clientAddress);
        }

        // A user deleted since the sign-in has nothing left to renew.
        if (outcome != RefreshOutcome.Rotated || await users.FindAsync(userId, cancellationToken) is not { } user)
        {
            throw NotValid();
        }

        await throttle.SucceededAsync(clientAddress);
        return tokens.Issue(user) with { RefreshToken = refreshToken, RefreshExpiresAt = expiresAt };
    }

    /// <summary>
    /// Signs out: the refresh token's sign-in is revoked. An unknown token is answered the same, so
    /// this tells nothing, but counts as a failure of <paramref name="clientAddress"/>.
    /// </summary>
    public async Task EndAsync(RefreshRequest request, string clientAddress, CancellationToken cancellationToken)
    {
        await throttle.BeginAsync(clientAddress);
        if (HashOf(request.RefreshToken) is { } hash
            && await refreshTokens.RevokeFamilyAsync(hash, clock.UtcNowAsStored(), cancellationToken) > 0)
        {
            await throttle.SucceededAsync(clientAddress);
        }
    }

    /// <summary>
    /// Ends every sign-in of <paramref name="userId"/>: the user themselves, or a global admin.
    /// Access tokens already issued last until they expire.
    /// </summary>
    public async Task EndAllAsync(Caller caller, Guid userId, CancellationToken cancellationToken)
    {
        if (caller.UserId != userId && !caller.IsGlobalAdmin)
        {
            throw ChatException.Forbidden("only administrators may sign other users out");
        }

        await refreshTokens.RevokeUserAsync(userId, clock.UtcNowAsStored(), cancellationToken);
    }

    private (DateTime Now, DateTime ExpiresAt) RefreshWindow()
    {
        var now = clock.UtcNowAsStored();
        return (now, DateTime.SpecifyKind(now.AddDays(options.Value.RefreshIdleDays), DateTimeKind.Utc));
    }

    // 256 random bits, base64url: nothing to guess, so a plain hash stores it safely.
    private static (string Token, byte[] Hash) NewRefreshToken()
    {
        var bytes = RandomNumberGenerator.GetBytes(TokenBytes);
        return (Base64Url.EncodeToString(bytes), SHA256.HashData(bytes));
    }

    private static byte[]? HashOf(string? token)
    {
        // TryDecode throws on characters outside the alphabet; IsValid tells without throwing.
        if (token is not { Length: > 0 and <= 64 } || !Base64Url.IsValid(token, out var length) || length != TokenBytes)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[TokenBytes];
        return Base64Url.TryDecodeFromChars(token, bytes, out var written) && written == TokenBytes ? SHA256.HashData(bytes) : null;
    }

    private static ChatException NotValid() => new(ErrorCodes.Unauthorized, "the refresh token is not valid: sign in again");

    [LoggerMessage(Level = LogLevel.Warning, Message = "A refresh token of user {UserId} was presented again after it had been replaced (from {ClientAddress}); that sign-in is revoked")]
    private static partial void LogReused(ILogger logger, Guid userId, string clientAddress);
}
