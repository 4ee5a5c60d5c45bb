using AiChatClient = Microsoft.Extensions.AI.IChatClient;

namespace Chat.Hubs.Bots;

/// <summary>A bot as this node runs it: its user, its declaration and the model client it talks to.</summary>
public sealed record DeclaredBot(Guid UserId, string UserName, string DisplayName, BotDefinition Definition, AiChatClient Client);
