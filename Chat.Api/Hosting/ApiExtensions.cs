using Chat.Api.Auth;
using Chat.Api.Errors;
using Chat.Contracts.Serialization;
using Chat.Hubs.Connections;
using FluentValidation;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.FileProviders;

namespace Chat.Api.Hosting;

/// <summary>The HTTP side of the host: JSON, problem details, OpenAPI, CORS and the web client.</summary>
public static class ApiExtensions
{
    private const string CorsPolicy = "web-clients";
    private const string OpenApiDocumentPattern = "/openapi/{documentName}.json";
    private const string OpenApiDocumentPath = "/openapi/v1.json";

    public static IHostApplicationBuilder AddChatApi(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<JsonOptions>(o => ChatSerialization.ConfigureJson(o.SerializerOptions));

        // Binding failures throw, so the exception handler answers them as `invalid` problems.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            if (!context.ProblemDetails.Extensions.ContainsKey("code")
                && ChatProblems.CodeOf(context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode) is { } code)
            {
                context.ProblemDetails.Extensions["code"] = code;
            }
        });
        services.AddExceptionHandler<ChatExceptionHandler>();
        services.AddValidatorsFromAssemblyContaining<RegisterRequestValidator>(ServiceLifetime.Singleton);

        services.AddOpenApi(o => o.AddDocumentTransformer<BearerSecurityTransformer>());

        var origins = builder.Configuration.GetSection(HubOriginCheck.AllowedOriginsKey).Get<string[]>() ?? [];
        services.AddCors(o => o.AddPolicy(CorsPolicy, policy =>
            // Listed origins only: the browser client sends credentials, which rules out "any origin".
            policy.WithOrigins(origins).AllowAnyHeader().AllowAnyMethod().AllowCredentials()));
        return builder;
    }

    /// <summary>
    /// The middleware, in order: security headers, HSTS, errors, CORS, the web client's files,
    /// authentication, rate limits, body limits, Swagger UI.
    /// </summary>
    public static WebApplication UseChatApi(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeaders>();
        if (!app.Environment.IsDevelopment())
        {
            // Sent over HTTPS only (directly, or as the proxy's X-Forwarded-Proto says).
            app.UseHsts();
        }

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCors(CorsPolicy);
        if (WebClientFolder(app.Configuration, app.Environment) is { } folder)
        {
            var files = new PhysicalFileProvider(folder);
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        }

        app.UseAuthentication();
        app.UseAuthorization();
        // After authorization, so budgets are counted per user; before the body is read, so a
        // refused request costs no upload.
        app.UseRateLimiter();
        app.UseMiddleware<RequestBodyLimit>();
        if (ApiDocsOptions.IsEnabled(app.Configuration, app.Environment))
        {
            app.UseSwaggerUI(o =>
            {
                o.RoutePrefix = "swagger";
                o.SwaggerEndpoint(OpenApiDocumentPath, "Chat API");
            });
        }

        return app;
    }

    /// <summary>Maps the OpenAPI document that Swagger UI reads, where API docs are on.</summary>
    public static IEndpointRouteBuilder MapChatApiDocument(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        if (ApiDocsOptions.IsEnabled(services.GetRequiredService<IConfiguration>(), services.GetRequiredService<IWebHostEnvironment>()))
        {
            endpoints.MapOpenApi(OpenApiDocumentPattern);
        }

        return endpoints;
    }

    /// <summary>Without a web client build, the root leads to the API docs instead, where they are on.</summary>
    public static IEndpointRouteBuilder MapWebClientFallback(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var (configuration, environment) = (services.GetRequiredService<IConfiguration>(), services.GetRequiredService<IWebHostEnvironment>());
        if (WebClientFolder(configuration, environment) is null && ApiDocsOptions.IsEnabled(configuration, environment))
        {
            endpoints.MapGet("/", () => TypedResults.Redirect("/swagger")).ExcludeFromDescription();
        }

        return endpoints;
    }

    /// <summary>The folder of the web client's build, when there is one.</summary>
    private static string? WebClientFolder(IConfiguration configuration, IHostEnvironment environment)
    {
        var folder = configuration.GetSection(WebClientOptions.SectionName).Get<WebClientOptions>()?.Path
            ?? Path.Combine(environment.ContentRootPath, "..", "web-client", "dist");
        return Directory.Exists(folder) ? Path.GetFullPath(folder) : null;
    }
}
