namespace Chat.Client;

/// <summary>
/// Access tokens for a service client configured on the server (<c>Services:Clients</c>): signs in
/// with the name and secret on first use and again shortly before the token expires, so a
/// long-running service never presents an expired token. Pass <see cref="GetTokenAsync"/> as
/// <see cref="ChatClientOptions.AccessTokenProvider"/>.
/// </summary>
public sealed class ServiceTokenSource(ChatRestClient signIn, string name, string secret, TimeProvider? timeProvider = null)
{
    // Renewing this long before expiry leaves room for clock skew and for a slow sign-in.
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(1);

    private readonly TimeProvider time = timeProvider ?? TimeProvider.System;
    private readonly SemaphoreSlim renewal = new(1, 1);
    private (string Token, DateTime ExpiresAt)? current;

    /// <summary>A token that is valid for at least another minute.</summary>
    public async Task<string?> GetTokenAsync()
    {
        if (Fresh() is { } token)
        {
            return token;
        }

        await renewal.WaitAsync();
        try
        {
            if (Fresh() is { } renewed)
            {
                return renewed;
            }

            var issued = await signIn.GetServiceTokenAsync(name, secret);
            current = (issued.AccessToken, issued.ExpiresAt);
            return issued.AccessToken;
        }
        finally
        {
            renewal.Release();
        }
    }

    private string? Fresh() =>
        current is { } held && time.GetUtcNow().UtcDateTime < held.ExpiresAt - RenewBefore ? held.Token : null;
}
