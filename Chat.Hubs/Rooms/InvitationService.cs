using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Errors;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Rooms;

/// <summary>
/// Invitations to a room: issued by its members, accepted by anyone holding the token, listed and
/// revoked by its moderators. An invitation works only while its creator may still invite.
/// </summary>
public sealed class InvitationService(
    InvitationRepository invitations,
    RoomRepository rooms,
    MembershipRepository members,
    UserRepository users,
    RoomAccess access,
    MembershipService membership,
    IOptions<InvitationOptions> options,
    TimeProvider clock)
{
    private const int TokenBytes = 32;
    private const int MaxTokenLength = 200;

    /// <summary>
    /// Issues an invitation: any member of a public room may, only moderators and admins of a
    /// private one (and global admins anywhere).
    /// </summary>
    public async Task<InvitationDto> CreateAsync(
        Caller caller, Guid roomId, CreateInvitationRequest request, CancellationToken cancellationToken = default)
    {
        Validate(request);
        if (!caller.IsGlobalAdmin)
        {
            var (state, _) = await access.RequireMemberAsync(caller.UserId, roomId, cancellationToken);
            if (!MayInvite(state))
            {
                throw ChatException.Forbidden("only moderators and admins may invite to a private room");
            }
        }
        else
        {
            _ = await rooms.FindAsync(roomId, cancellationToken) ?? throw ChatException.NotFound("room");
        }

        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(TokenBytes));
        var now = clock.UtcNowAsStored();
        var invitation = new RoomInvitation
        {
            Id = Guid.CreateVersion7(),
            TokenHash = Hash(token),
            RoomId = roomId,
            CreatedBy = caller.UserId,
            ExpiresAt = now.AddSeconds(request.ExpiresInSeconds),
            MaxUses = request.MaxUses,
            CreatedAt = now,
        };
        await invitations.CreateAsync(invitation, cancellationToken);
        return new InvitationDto(token, invitation.ExpiresAt, invitation.MaxUses, invitation.Id);
    }

    /// <summary>The room's invitations that still work, newest first (moderators and up).</summary>
    public async Task<InvitationSummaryDto[]> ListAsync(Caller caller, Guid roomId, CancellationToken cancellationToken = default)
    {
        await access.RequireModeratorAsync(caller, roomId, cancellationToken);
        var usable = await invitations.ListUsableAsync(roomId, clock.UtcNowAsStored(), cancellationToken);
        return [.. usable.Select(i => new InvitationSummaryDto(i.Id, i.CreatedBy, i.ExpiresAt, i.MaxUses, i.Uses, i.CreatedAt))];
    }

    /// <summary>Revokes an invitation (moderators and up): its token is unknown from then on.</summary>
    public async Task RevokeAsync(Caller caller, Guid roomId, Guid invitationId, CancellationToken cancellationToken = default)
    {
        await access.RequireModeratorAsync(caller, roomId, cancellationToken);
        if (!await invitations.DeleteAsync(roomId, invitationId, cancellationToken))
        {
            throw ChatException.NotFound("invitation");
        }
    }

    /// <summary>
    /// Joins the room the token invites to, private rooms included. A member already keeps the
    /// membership without using up the invitation; banned users stay out.
    /// </summary>
    public async Task<MemberDto> AcceptAsync(Caller caller, string token, CancellationToken cancellationToken = default)
    {
        var userId = caller.UserId;
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            throw ChatException.NotFound("invitation");
        }

        var tokenHash = Hash(token);
        var invitation = await invitations.FindAsync(tokenHash, cancellationToken) ?? throw ChatException.NotFound("invitation");
        var room = await rooms.FindAsync(invitation.RoomId, cancellationToken) ?? throw ChatException.NotFound("room");
        if (await members.FindAsync(room.Id, userId, cancellationToken) is { } existing)
        {
            return existing.ToDto();
        }

        if (await members.IsBannedAsync(room.Id, userId, cancellationToken))
        {
            throw ChatException.Banned();
        }

        if (!Usable(invitation, clock.UtcNowAsStored()) || !await CreatorMayStillInviteAsync(invitation, cancellationToken))
        {
            throw Gone();
        }

        return await membership.AdmitAsync(room, caller, async ct =>
        {
            // Counted only once the room has space, and atomically: concurrent accepts never exceed maxUses.
            if (!await invitations.TryUseAsync(tokenHash, clock.UtcNowAsStored(), ct))
            {
                throw Gone();
            }
        }, cancellationToken);
    }

    /// <summary>Whether an invitation may still be used at <paramref name="now"/>.</summary>
    public static bool Usable(RoomInvitation invitation, DateTime now) =>
        invitation.ExpiresAt > now && (invitation.MaxUses is not { } max || invitation.Uses < max);

    private void Validate(CreateInvitationRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var (min, max) = (options.Value.MinExpirySeconds, options.Value.MaxExpirySeconds);
        if (request.ExpiresInSeconds < min || request.ExpiresInSeconds > max)
        {
            errors["expiresInSeconds"] = [$"expiresInSeconds must be between {min} and {max}"];
        }

        if (request.MaxUses is < 1)
        {
            errors["maxUses"] = ["maxUses must be at least 1"];
        }

        if (errors.Count > 0)
        {
            throw new ChatException(ErrorCodes.Invalid, "the invitation request is invalid") { Errors = errors };
        }
    }

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>Who may invite: any member of a public room, only moderators and admins of a private one.</summary>
    private static bool MayInvite(UserRoomState state) =>
        state is { Banned: false, Member: { } member } && (!state.IsPrivate || member.Moderates);

    /// <summary>Whether the invitation's creator may still invite: a global admin, or by <see cref="MayInvite"/> now.</summary>
    private async Task<bool> CreatorMayStillInviteAsync(RoomInvitation invitation, CancellationToken cancellationToken)
    {
        if ((await users.FindAsync(invitation.CreatedBy, cancellationToken))?.Role == GlobalRole.Admin)
        {
            return true;
        }

        var state = await members.RoomStateAsync(invitation.RoomId, invitation.CreatedBy, cancellationToken);
        return state is not null && MayInvite(state);
    }

    private static ChatException Gone() => new(ErrorCodes.Gone, "this invitation has expired or is used up");
}
