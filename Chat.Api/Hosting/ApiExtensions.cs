using Chat.Api.Auth;
using Chat.Api.Errors;
using Chat.Contracts.Serialization;
using FluentValidation;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.FileProviders;

namespace Chat.Api.Hosting;

/// <summary>The HTTP side of the host: JSON, problem details, OpenAPI, CORS and the web client.</summary>
public static class ApiExtensions
{
    private const string CorsPolicy = "web-clients";

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

        var origins = builder.Configuration.GetSection("Cors:AllowedOrigins").Get<string[]>() ?? [];
        services.AddCors(o => o.AddPolicy(CorsPolicy, policy =>
            // Listed origins only: the browser client sends credentials, which rules out "any origin".
            policy.WithOrigins(origins).AllowAnyHeader().AllowAnyMethod().AllowCredentials()));
        return builder;
    }

    /// <summary>The middleware, in order: errors, CORS, the web client's files, authentication, body limits.</summary>
    public static WebApplication UseChatApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCors(CorsPolicy);
        app.UseWebClient();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<RequestBodyLimit>();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "swagger";
            o.SwaggerEndpoint("/openapi/v1.json", "Chat API");
        });
        return app;
    }

    private static void UseWebClient(this WebApplication app)
    {
        // The web client's build, when there is one; otherwise the root leads to the API docs.
        var folder = app.Configuration["WebClient:Path"] ?? Path.Combine(app.Environment.ContentRootPath, "..", "web-client", "dist");
        if (Directory.Exists(folder))
        {
            var files = new PhysicalFileProvider(Path.GetFullPath(folder));
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        }
        else
        {
            app.MapGet("/", () => TypedResults.Redirect("/swagger")).ExcludeFromDescription();
        }
    }
}
