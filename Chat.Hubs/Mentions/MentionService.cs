using Chat.Contracts;
using Chat.Data;

namespace Chat.Hubs.Mentions;

/// <summary>Who a message mentions: <see cref="Users"/> (null for nobody) and whether it mentions the whole room.</summary>
public readonly record struct ResolvedMentions(Guid[]? Users, bool Room)
{
    public static readonly ResolvedMentions None = default;
}

/// <summary>
/// Turns the <c>@userName</c>s of a message into the members it mentions, as it is sent and as it
/// is edited: members of the room only, each once, never the sender, nor anyone who blocked the
/// sender; only its recipient for a private message. <c>@room</c> counts from a room moderator or
/// admin, or a global admin; from anyone else it is plain text. A message without '@' costs a
/// scan of its text and no query; one with mentions, one query.
/// </summary>
public sealed class MentionService(MentionRepository mentions)
{
    /// <summary>The mentions of a message of <paramref name="type"/> with <paramref name="content"/> that <paramref name="sender"/> sends to the room (privately to <paramref name="toUserId"/>).</summary>
    /// <remarks>Synchronous, with nothing allocated, for a message that cannot mention anyone.</remarks>
    public ValueTask<ResolvedMentions> ResolveAsync(
        Caller sender, Guid roomId, Guid? toUserId, MessageType type, string content, CancellationToken cancellationToken = default) =>
        // What people type: text, and the captions of images and files.
        type is (MessageType.Text or MessageType.Image or MessageType.File) && content.Contains('@', StringComparison.Ordinal)
            ? new(ResolveNamesAsync(sender, roomId, toUserId, content, cancellationToken))
            : new(ResolvedMentions.None);

    private async Task<ResolvedMentions> ResolveNamesAsync(
        Caller sender, Guid roomId, Guid? toUserId, string content, CancellationToken cancellationToken)
    {
        var parsed = MentionParser.Parse(content);
        var asksRoom = parsed.Room && toUserId is null;
        var candidates = parsed.Candidates();
        if (candidates.Length == 0 && !asksRoom)
        {
            return ResolvedMentions.None;
        }

        var found = await mentions.FindAsync(roomId, sender.UserId, candidates, asksRoom, cancellationToken);
        var byName = found.Members.ToDictionary(m => m.UserName, m => m.UserId, StringComparer.Ordinal);
        var users = new List<Guid>();
        foreach (var meanings in parsed.Names)
        {
            foreach (var name in meanings)
            {
                if (byName.TryGetValue(name, out var userId))
                {
                    // A private message reaches its recipient only, so it mentions no one else.
                    if (!users.Contains(userId) && (toUserId is null || userId == toUserId))
                    {
                        users.Add(userId);
                    }

                    break;
                }
            }
        }

        var room = asksRoom && (sender.IsGlobalAdmin || found.SenderRole is RoomRole.Moderator or RoomRole.Admin);
        return new ResolvedMentions(users.Count == 0 ? null : [.. users], room);
    }
}
