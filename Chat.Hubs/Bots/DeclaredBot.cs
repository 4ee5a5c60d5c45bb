using Chat.Data;
using AiChatClient = Microsoft.Extensions.AI.IChatClient;

namespace Chat.Hubs.Bots;

/// <summary>A bot as this node runs it: its user, its declaration and the model client it talks to.</summary>
public sealed record DeclaredBot(Guid UserId, string UserName, string DisplayName, BotDefinition Definition, AiChatClient Client)
{
    /// <summary>
    /// The start of this bot's reply to <paramref name="trigger"/>: to the room, privately to the
    /// asker of a private trigger, or in the thread a thread reply was sent in.
    /// </summary>
    public StreamStart ReplyTo(StoredMessage trigger, DateTime now) =>
        new(Guid.NewGuid(), trigger.RoomId, UserId, trigger.ToUserId is null ? null : trigger.SenderId, trigger.Id, ClientMessageId: null, now, trigger.ThreadRootId);
}
