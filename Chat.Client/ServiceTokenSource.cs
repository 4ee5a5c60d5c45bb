using Chat.Contracts;

namespace Chat.Client;

/// <summary>
/// Access tokens for a service client configured on the server (<c>Services:Clients</c>): signs in
/// with the name and secret on first use and again shortly before the token expires. Pass
/// <see cref="RenewingTokenSource.GetTokenAsync"/> as <see cref="ChatClientOptions.AccessTokenProvider"/>.
/// </summary>
public sealed class ServiceTokenSource(ChatRestClient signIn, string name, string secret, TimeProvider? timeProvider = null)
    : RenewingTokenSource(timeProvider)
{
    protected override Task<TokenResponse> RenewAsync() => signIn.GetServiceTokenAsync(name, secret);
}
