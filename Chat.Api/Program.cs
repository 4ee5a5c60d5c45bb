using Chat.Api.Admin;
using Chat.Api.Attachments;
using Chat.Api.Auth;
using Chat.Api.Health;
using Chat.Api.Hosting;
using Chat.Api.Messages;
using Chat.Api.Metrics;
using Chat.Api.Rooms;
using Chat.Api.Users;
using Chat.Data;
using Chat.Hubs;
using Chat.Hubs.Connections;

SharedBufferPool.KeepMoreBuffers();
var builder = WebApplication.CreateBuilder(args);

builder.AddChatData();
builder.AddChatHubs();
builder.AddChatAuth();
builder.AddChatApi();
builder.AddChatHealth();
builder.AddChatMetrics();
builder.AddChatForwardedHeaders();

var app = builder.Build();

// `Chat.Api migrate` applies migrations and exits, for pipelines that start nodes with
// Database__MigrateOnStartup=false.
if (args is ["migrate", ..])
{
    var applied = await app.Services.MigrateChatDatabaseAsync();
    app.Logger.LogInformation("Applied {Count} migrations", applied);
    return;
}

app.UseChatForwardedHeaders();
app.UseChatApi();
app.MapAuthEndpoints();
app.MapUserEndpoints();
app.MapBlockEndpoints();
app.MapActivityEndpoints();
app.MapRoomEndpoints();
app.MapModerationEndpoints();
app.MapInvitationEndpoints();
app.MapRoomSettingsEndpoints();
app.MapRoomSearchEndpoints();
app.MapReceiptEndpoints();
app.MapMessageEndpoints();
app.MapAttachmentEndpoints();
app.MapHealthEndpoints();
app.MapMetricsEndpoint();
app.UseHubDrain();
app.UseHubWebSocketCompression();
app.MapChatHub();

await app.RunAsync();

/// <summary>The entry point, visible to the integration tests.</summary>
public partial class Program;
