using Microsoft.AspNetCore.SignalR;

namespace Chat.Hubs.Connections;

/// <summary>Names a connection's user by the token's <c>sub</c>, the same id the database uses.</summary>
internal sealed class ChatUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) => connection.User?.FindFirst(ChatClaims.UserId)?.Value;
}
