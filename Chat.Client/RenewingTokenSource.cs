namespace Chat.Client;

/// <summary>
/// An access token kept fresh: renewed on first use and again shortly before it expires, one
/// renewal at a time, so a long-running client never presents an expired token and the hub,
/// which closes a connection when its token expires, is always reconnected with a fresh one. Pass
/// <see cref="GetTokenAsync"/> as <see cref="ChatClientOptions.AccessTokenProvider"/>.
/// </summary>
public abstract class RenewingTokenSource(TimeProvider? timeProvider = null)
{
    // Renewing this long before expiry leaves room for clock skew and for a slow renewal.
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim renewal = new(1, 1);
    private (string Token, DateTime RenewAt)? current;

    protected TimeProvider Time { get; } = timeProvider ?? TimeProvider.System;

    /// <summary>A token that is valid for at least another minute, or for most of its life when it is shorter.</summary>
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

            var issued = await RenewAsync();
            // A token shorter-lived than three minutes is renewed once a third of its life is left.
            var lifetime = issued.ExpiresAt - Time.GetUtcNow().UtcDateTime;
            var margin = TimeSpan.FromTicks(Math.Clamp(lifetime.Ticks / 3, 0, RenewBefore.Ticks));
            current = (issued.AccessToken, issued.ExpiresAt - margin);
            return issued.AccessToken;
        }
        finally
        {
            renewal.Release();
        }
    }

    /// <summary>A new access token (and whatever the source keeps to get the next one).</summary>
    protected abstract Task<Contracts.TokenResponse> RenewAsync();

    private string? Fresh() =>
        current is { } held && Time.GetUtcNow().UtcDateTime < held.RenewAt ? held.Token : null;
}
