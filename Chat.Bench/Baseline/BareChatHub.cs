using System.Collections.Concurrent;
using Chat.Contracts;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Bench.Baseline;

/// <summary>
/// The least a chat hub can do with the same wire contract: join a group, stamp a message with a
/// per-room sequence, send it to the group except the sender and acknowledge it. No auth, no
/// storage, no checks.
/// </summary>
public sealed class BareChatHub(RoomSequences sequences) : Hub
{
    private static readonly IReadOnlyDictionary<string, int> NoReactions = new Dictionary<string, int>();

    public Task JoinRoom(string roomId) => Groups.AddToGroupAsync(Context.ConnectionId, roomId);

    public async Task<MessageAck> SendMessage(SendMessageRequest request)
    {
        var roomId = Guid.Parse(request.RoomId!);
        var now = DateTime.UtcNow;
        var message = new MessageDto(
            Guid.CreateVersion7(), roomId, sequences.Next(roomId), Guid.Empty, "bench", MessageType.Text, request.Content ?? "",
            null, null, null, request.Metadata, NoReactions, now, null, false);
        await Clients.GroupExcept(request.RoomId!, Context.ConnectionId).SendAsync(nameof(IChatClient.MessageReceived), message);
        return new MessageAck(message.Id, roomId, message.Seq, now, false);
    }
}

/// <summary>The bare hub's only state: the last seq of each room.</summary>
public sealed class RoomSequences
{
    private readonly ConcurrentDictionary<Guid, StrongBox> last = new();

    public long Next(Guid roomId) => Interlocked.Increment(ref last.GetOrAdd(roomId, _ => new StrongBox()).Value);

    private sealed class StrongBox
    {
        public long Value;
    }
}
