using System.Net;
using Chat.Contracts;

namespace Chat.Client;

/// <summary>
/// Access tokens for a user: signs in once, then renews with the refresh token shortly before each
/// access token expires (each refresh hands out the next refresh token). When the sign-in is gone
/// (signed out elsewhere, revoked, or idle too long) it signs in again with the password, if it was
/// given one. Pass <see cref="RenewingTokenSource.GetTokenAsync"/> as
/// <see cref="ChatClientOptions.AccessTokenProvider"/>.
/// </summary>
public sealed class UserTokenSource : RenewingTokenSource
{
    private readonly ChatRestClient auth;
    private readonly string? userName;
    private readonly string? password;
    private string? refreshToken;

    /// <summary>Signs in with <paramref name="userName"/> and <paramref name="password"/> on first use.</summary>
    public UserTokenSource(ChatRestClient auth, string userName, string password, TimeProvider? timeProvider = null)
        : base(timeProvider) => (this.auth, this.userName, this.password) = (auth, userName, password);

    /// <summary>Carries on a sign-in made elsewhere (a guest's, say) with its refresh token.</summary>
    public UserTokenSource(ChatRestClient auth, TokenResponse signedIn, TimeProvider? timeProvider = null)
        : base(timeProvider) => (this.auth, refreshToken) = (auth, signedIn.RefreshToken);

    /// <summary>Revokes this sign-in; the next token needs the password again.</summary>
    public async Task SignOutAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref refreshToken, null) is { } token)
        {
            await auth.SignOutAsync(token, cancellationToken);
        }
    }

    protected override async Task<TokenResponse> RenewAsync()
    {
        if (refreshToken is { } token)
        {
            try
            {
                return Keep(await auth.RefreshTokenAsync(token));
            }
            catch (ChatServiceException e) when (e.Status == HttpStatusCode.Unauthorized && password is not null)
            {
                // The sign-in ended; the password starts a new one below.
            }
        }

        if (userName is null || password is null)
        {
            throw new InvalidOperationException("The sign-in has ended and there is no password to start another");
        }

        return Keep(await auth.GetTokenAsync(userName, password));
    }

    private TokenResponse Keep(TokenResponse issued)
    {
        refreshToken = issued.RefreshToken;
        return issued;
    }
}
