using Chat.Contracts;
using Dapper;
using Npgsql;

namespace Chat.Data.Writing;

/// <summary>
/// Reads users' standing in rooms (the room's rules, a ban, the membership) with one query: the
/// writer's batch asks for all its senders inside its transaction, MembershipRepository for one.
/// </summary>
internal static class SenderStandings
{
    private const string Read = $"""
        select k.user_id as sender_id,
               r.id, r.is_private, r.settings::text as settings, r.last_seq,
               exists (select 1 from room_bans b where b.room_id = r.id and b.user_id = k.user_id) as banned,
               {MembershipRepository.MemberColumns}
        from unnest(@RoomIds, @UserIds) as k(room_id, user_id)
        join rooms r on r.id = k.room_id
        left join room_members rm on rm.room_id = k.room_id and rm.user_id = k.user_id
        left join users u on u.id = rm.user_id
        """;

    // For a writer that has not locked the rooms yet: the standing is read under the same lock
    // the seq bump takes, so nothing can change it before the commit.
    private const string ReadLocked = Read + " for update of r";

    /// <summary>
    /// The standing of each (room, sender) pair asked for whose room exists; with
    /// <paramref name="lockRooms"/> the rooms' rows are locked until the transaction ends.
    /// </summary>
    public static async Task<Dictionary<(Guid RoomId, Guid UserId), RoomStanding>> ReadAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        IReadOnlyCollection<(Guid RoomId, Guid UserId)> senders,
        CancellationToken cancellationToken,
        bool lockRooms = false)
    {
        if (senders.Count == 0)
        {
            return [];
        }

        // One flat row type rather than Dapper's multi-mapping, whose async form reads the rows
        // synchronously: a batch's standings are hundreds of rows, and blocking a pool thread on
        // the socket while PostgreSQL streams them stalls other sends.
        var rows = await connection.QueryAsync<StandingRow>(new CommandDefinition(
            lockRooms ? ReadLocked : Read,
            new { RoomIds = senders.Select(s => s.RoomId).ToArray(), UserIds = senders.Select(s => s.UserId).ToArray() },
            transaction,
            cancellationToken: cancellationToken));
        var standings = new Dictionary<(Guid, Guid), RoomStanding>(senders.Count);
        foreach (var row in rows)
        {
            standings[(row.Id, row.SenderId)] = row.ToStanding();
        }

        return standings;
    }

    /// <summary>A room's rules, a ban and the membership (null columns when not a member) in one row.</summary>
    private sealed record StandingRow
    {
        public Guid SenderId { get; init; }
        public Guid Id { get; init; }
        public bool IsPrivate { get; init; }
        public RoomSettings Settings { get; init; } = RoomSettings.Default;
        public long LastSeq { get; init; }
        public bool Banned { get; init; }
        public Guid? UserId { get; init; }
        public string? UserName { get; init; }
        public string? DisplayName { get; init; }
        public RoomRole? Role { get; init; }
        public PresenceStatus? Status { get; init; }
        public DateTime? MutedUntil { get; init; }
        public DateTime? JoinedAt { get; init; }
        public long? DeliveredSeq { get; init; }
        public long? ReadSeq { get; init; }
        public DateTime? ReadAt { get; init; }

        public RoomStanding ToStanding() => new()
        {
            Id = Id,
            IsPrivate = IsPrivate,
            Settings = Settings,
            LastSeq = LastSeq,
            Banned = Banned,
            Member = UserId == SenderId
                ? new RoomMember
                {
                    RoomId = Id,
                    UserId = SenderId,
                    UserName = UserName ?? "",
                    DisplayName = DisplayName ?? "",
                    Role = Role!.Value,
                    Status = Status!.Value,
                    MutedUntil = MutedUntil,
                    JoinedAt = JoinedAt!.Value,
                    DeliveredSeq = DeliveredSeq!.Value,
                    ReadSeq = ReadSeq!.Value,
                    ReadAt = ReadAt,
                }
                : null,
        };
    }
}
