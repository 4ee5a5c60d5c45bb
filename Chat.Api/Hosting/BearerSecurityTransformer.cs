using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Chat.Api.Hosting;

/// <summary>Declares the bearer token in the OpenAPI document, so Swagger UI can send one.</summary>
internal sealed class BearerSecurityTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Chat API";
        document.Info.Description = "Rooms, membership and messages of the chat service. Real-time traffic goes through the SignalR hub at /hubs/chat. Errors are problem+json with a `code` member.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A token from POST /auth/token or /auth/guest",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] });
        return Task.CompletedTask;
    }
}
