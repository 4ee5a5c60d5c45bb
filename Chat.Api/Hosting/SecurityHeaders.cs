namespace Chat.Api.Hosting;

/// <summary>
/// Headers every answer carries: no type sniffing, no referrer, no framing by other sites, and for
/// the web client's pages a Content-Security-Policy that allows this origin's own scripts, styles
/// and connections only (the client has no inline script). An answer that set its own policy (a
/// downloaded file's <c>sandbox</c>) keeps it. HSTS is added by <c>UseHsts</c> outside Development.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    public const string WebClientPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    // Swagger UI's page starts itself with an inline script; it is served only where turned on (see ApiDocsOptions).
    private const string ApiDocsPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            if (!headers.ContainsKey("Content-Security-Policy"))
            {
                headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments("/swagger") ? ApiDocsPolicy : WebClientPolicy;
            }

            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}
