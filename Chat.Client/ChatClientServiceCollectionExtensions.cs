using Chat.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the chat service's clients.</summary>
public static class ChatClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ChatRestClient"/> (a typed HttpClient with the standard resilience
    /// pipeline) and one <see cref="ChatClient"/> hub connection, both configured from the
    /// <c>ChatClient</c> configuration section when there is one and then by <paramref name="configure"/>.
    /// The answer tunes the resilience pipeline (<c>.Configure(o => o.Retry.MaxRetryAttempts = 5)</c>).
    /// </summary>
    public static IHttpStandardResiliencePipelineBuilder AddChatClient(this IServiceCollection services, Action<ChatClientOptions>? configure = null)
    {
        services.AddOptionsWithValidateOnStart<ChatClientOptions>()
            .Configure<IServiceProvider>((options, provider) =>
                provider.GetService<IConfiguration>()?.GetSection(ChatClientOptions.SectionName).Bind(options))
            .Configure(options => configure?.Invoke(options))
            .Validate(options => options.BaseAddress is { IsAbsoluteUri: true }, $"{ChatClientOptions.SectionName}:BaseAddress must be an absolute URL")
            .Validate(options => options.ReconnectDelays.All(d => d >= TimeSpan.Zero), $"{ChatClientOptions.SectionName}:ReconnectDelays cannot be negative");
        services.AddSingleton(provider => new ChatClient(
            provider.GetRequiredService<IOptions<ChatClientOptions>>().Value, provider.GetService<ILogger<ChatClient>>()));
        return services.AddChatRestClient();
    }

    internal static IHttpStandardResiliencePipelineBuilder AddChatRestClient(this IServiceCollection services)
    {
        services.AddTransient<BearerTokenHandler>();
        var client = services.AddHttpClient<ChatRestClient>((provider, http) =>
            http.BaseAddress = provider.GetRequiredService<IOptions<ChatClientOptions>>().Value.Root);

        // The resilience handler goes first, so it wraps the token handler and each attempt asks for a current token.
        var resilience = client.AddStandardResilienceHandler(options => ChatRetryRules.Apply(options.Retry));
        client.AddHttpMessageHandler<BearerTokenHandler>();
        return resilience;
    }
}
