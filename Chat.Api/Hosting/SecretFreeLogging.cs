namespace Chat.Api.Hosting;

/// <summary>
/// Keeps credentials out of the node's logs. Browsers cannot set headers on a WebSocket, so the
/// hub's token travels as the <c>access_token</c> query parameter, and ASP.NET Core's request
/// lines ("Request starting … /hubs/chat?…&amp;access_token=…") would write it down at Information.
/// That category stays at Warning whatever the configuration says for it; request logging that is
/// wanted belongs at the proxy, with a format that leaves the query out (deploy/nginx/chat.conf).
/// </summary>
public static class SecretFreeLogging
{
    public const string RequestLineCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public static IHostApplicationBuilder AddSecretFreeLogging(this IHostApplicationBuilder builder)
    {
        // Added after the configuration's rules, so it wins over a rule for the same category there.
        builder.Logging.AddFilter(RequestLineCategory, level => level >= LogLevel.Warning);
        return builder;
    }
}
