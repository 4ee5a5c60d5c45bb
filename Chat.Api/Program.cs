using Chat.Api.Auth;
using Chat.Api.Health;
using Chat.Api.Hosting;
using Chat.Api.Messages;
using Chat.Api.Rooms;
using Chat.Api.Users;
using Chat.Data;
using Chat.Hubs;

var builder = WebApplication.CreateBuilder(args);

builder.AddChatData();
builder.AddChatHubs();
builder.AddChatAuth();
builder.AddChatApi();
builder.AddChatHealth();

var app = builder.Build();

app.UseChatApi();
app.MapAuthEndpoints();
app.MapUserEndpoints();
app.MapRoomEndpoints();
app.MapMessageEndpoints();
app.MapHealthEndpoints();
app.MapChatHub();

app.Run();

/// <summary>The entry point, visible to the integration tests.</summary>
public partial class Program;
