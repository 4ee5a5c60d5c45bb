using Chat.Api.Auth;
using Chat.Api.Health;
using Chat.Api.Hosting;
using Chat.Api.Limits;
using Chat.Api.Metrics;
using Chat.Data;
using Chat.Hubs;
using Chat.Hubs.Connections;

SharedBufferPool.KeepMoreBuffers();
var builder = WebApplication.CreateBuilder(args);

builder.AddChatData();
builder.AddChatHubs();
builder.AddChatAuth();
builder.AddChatApi();
builder.AddChatRateLimiting();
builder.AddChatHealth();
builder.AddChatMetrics();
builder.AddChatForwardedHeaders();
builder.AddSecretFreeLogging();

var app = builder.Build();

// `Chat.Api migrate` applies migrations and exits, for pipelines that start nodes with
// Database__MigrateOnStartup=false.
if (args is ["migrate", ..])
{
    var applied = await app.Services.MigrateChatDatabaseAsync();
    app.Logger.LogInformation("Applied {Count} migrations", applied);
    return;
}

// The middleware, in order, then the endpoints. WebApplication matches the route before the first
// middleware runs, so each one already sees the endpoint a request goes to (the body limit reads it).
app.UseChatForwardedHeaders();
app.UseMetricsAccess();
app.UseChatApi();
app.UseHubOriginCheck();
app.UseHubDrain();
app.UseHubWebSocketCompression();

app.MapChatApi();
app.MapChatApiDocument();
app.MapHealthEndpoints();
app.MapMetricsEndpoint();
app.MapChatHub();
app.MapWebClientFallback();

await app.RunAsync();

/// <summary>The entry point, visible to the integration tests.</summary>
public partial class Program;
