using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace Chat.Client;

/// <summary>Puts the current access token on every attempt, so a retry after a refresh carries the new one.</summary>
internal sealed class BearerTokenHandler(IOptions<ChatClientOptions> options) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (options.Value.AccessTokenProvider is { } provider && await provider() is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
