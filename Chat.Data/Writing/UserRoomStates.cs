using System.Data.Common;
using Chat.Contracts;
using Npgsql;

namespace Chat.Data.Writing;

/// <summary>
/// Reads users' state in rooms (the room's rules, a ban, the membership) with one query: the
/// writer's batch asks for all its senders inside its transaction, MembershipRepository for one.
/// </summary>
internal static class UserRoomStates
{
    // The columns of a row: the sender, the room's state, then the membership.
    private const int SenderColumn = 0;
    private const int RoomId = 1;
    private const int IsPrivate = 2;
    private const int Settings = 3;
    private const int LastSeq = 4;
    private const int Banned = 5;
    private const int MemberStart = 6;

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

    // For a writer that has not locked the rooms yet: the state is read under the same lock
    // the seq bump takes, so nothing can change it before the commit.
    private const string ReadLocked = Read + " for update of r";

    /// <summary>
    /// The state of each (room, sender) pair asked for whose room exists; with
    /// <paramref name="lockRooms"/> the rooms' rows are locked until the transaction ends.
    /// </summary>
    public static async Task<Dictionary<(Guid RoomId, Guid UserId), UserRoomState>> ReadAsync(
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

        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { Command(senders, lockRooms) } };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        return await ReadRowsAsync(reader, senders.Count, cancellationToken);
    }

    /// <summary>The query for <see cref="ReadAsync"/>, for a caller that sends it along with others.</summary>
    public static NpgsqlBatchCommand Command(IReadOnlyCollection<(Guid RoomId, Guid UserId)> senders, bool lockRooms = false) =>
        new(lockRooms ? ReadLocked : Read)
        {
            Parameters =
            {
                new NpgsqlParameter("RoomIds", senders.Select(s => s.RoomId).ToArray()),
                new NpgsqlParameter("UserIds", senders.Select(s => s.UserId).ToArray()),
            },
        };

    /// <summary>The rows of <see cref="Command"/>, from a reader positioned on its result.</summary>
    public static async Task<Dictionary<(Guid RoomId, Guid UserId), UserRoomState>> ReadRowsAsync(
        DbDataReader reader, int expected, CancellationToken cancellationToken)
    {
        // Read by hand with typed getters, not with Dapper's row parsers: a batch reads a state
        // for every sender, and the parsers box each value and parse each room's settings anew.
        // Rooms mostly share their settings' text, so each distinct text is parsed once per read.
        var settingsOf = new Dictionary<string, RoomSettings>();
        var states = new Dictionary<(Guid, Guid), UserRoomState>(expected);
        while (await reader.ReadAsync(cancellationToken))
        {
            var settingsText = reader.GetString(Settings);
            if (!settingsOf.TryGetValue(settingsText, out var settings))
            {
                settings = JsonTypeHandlers.FromJson<RoomSettings>(settingsText) ?? RoomSettings.Default;
                settingsOf[settingsText] = settings;
            }

            var state = new UserRoomState
            {
                Id = reader.GetGuid(RoomId),
                IsPrivate = reader.GetBoolean(IsPrivate),
                Settings = settings,
                LastSeq = reader.GetInt64(LastSeq),
                Banned = reader.GetBoolean(Banned),
                // A user who is not a member has nulls in the membership columns.
                Member = reader.IsDBNull(MemberStart) ? null : ReadMember(reader),
            };
            states[(state.Id, reader.GetGuid(SenderColumn))] = state;
        }

        return states;
    }

    /// <summary>The membership columns, in the order of <see cref="MembershipRepository.MemberColumns"/>.</summary>
    private static RoomMember ReadMember(DbDataReader reader) => new()
    {
        RoomId = reader.GetGuid(MemberStart),
        UserId = reader.GetGuid(MemberStart + 1),
        UserName = reader.GetString(MemberStart + 2),
        DisplayName = reader.GetString(MemberStart + 3),
        Role = DbText.Parse<RoomRole>(reader.GetString(MemberStart + 4)),
        Status = DbText.Parse<PresenceStatus>(reader.GetString(MemberStart + 5)),
        MutedUntil = reader.IsDBNull(MemberStart + 6) ? null : reader.GetDateTime(MemberStart + 6),
        JoinedAt = reader.GetDateTime(MemberStart + 7),
        DeliveredSeq = reader.GetInt64(MemberStart + 8),
        ReadSeq = reader.GetInt64(MemberStart + 9),
        ReadAt = reader.IsDBNull(MemberStart + 10) ? null : reader.GetDateTime(MemberStart + 10),
    };
}
