using Chat.Client;
using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Chat.Tests.Integration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Chat.Tests.Client;

public sealed class ChatRestClientTests(ServiceClientNodeFixture fixture) : IClassFixture<ServiceClientNodeFixture>
{
    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task A_service_signs_in_with_its_secret_joins_a_room_and_posts_system_messages_once()
    {
        var tokens = new ServiceTokenSource(ClientFactory.Rest(Node.Address), ServiceClientNodeFixture.Name, ServiceClientNodeFixture.Secret);
        var service = ChatRestClient.Create(new ChatClientOptions { BaseAddress = Node.Address, AccessTokenProvider = tokens.GetTokenAsync });
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await ClientFactory.Rest(Node.Address, alice.Token).CreateRoomAsync(new CreateRoomRequest("reports", null, false, null));
        await using var aliceHub = await ClientFactory.ConnectAsync(Node.Address, alice);
        var heard = new Heard<MessageDto>();
        aliceHub.MessageReceived += heard.Add;
        await aliceHub.JoinRoomAsync(room.Id);

        var me = await service.GetMeAsync();
        var membership = await service.JoinRoomAsync(room.Id);
        var clientMessageId = Guid.NewGuid();
        var metadata = new Dictionary<string, string> { ["report"] = "nightly" };
        var ack = await service.SendSystemMessageAsync(room.Id, "nightly report is ready", clientMessageId, metadata);
        var again = await service.SendSystemMessageAsync(room.Id, "nightly report is ready", clientMessageId, metadata);

        Assert.Equal(("service-reports", GlobalRole.Service), (me.UserName, me.Role));
        Assert.Equal((room.Id, me.Id, RoomRole.Member), (membership.RoomId, membership.UserId, membership.Role));
        Assert.Equal((ack.MessageId, true), (again.MessageId, again.Duplicate));
        var received = await heard.NextAsync(m => m.Type == MessageType.System);
        Assert.Equal((ack.MessageId, "nightly report is ready", me.Id), (received.Id, received.Content, received.SenderId));
        Assert.Equal("nightly", received.Metadata!["report"]);
        var history = await service.GetHistoryAsync(room.Id, afterSeq: 0);
        Assert.Single(history, m => m.Type == MessageType.System);
        Assert.Contains(await service.GetRoomsAsync(), r => r.Id == room.Id);
        await service.LeaveRoomAsync(room.Id);
        Assert.DoesNotContain(await service.GetMembersAsync(room.Id), m => m.UserId == me.Id);
    }

    [Fact]
    public async Task Rooms_members_invitations_and_moderation_round_trip_through_the_typed_client()
    {
        var anonymous = ClientFactory.Rest(Node.Address);
        var registered = await anonymous.RegisterAsync(new RegisterRequest($"Owner_{Guid.NewGuid():N}"[..20], "correct horse battery", "Owner"));
        var ownerToken = await anonymous.GetTokenAsync(registered.UserName, "correct horse battery");
        var owner = ClientFactory.Rest(Node.Address, ownerToken.AccessToken);
        var bob = await TestUser.RegisterAsync(Node, "bob");
        var bobRest = ClientFactory.Rest(Node.Address, bob.Token);
        var guest = await anonymous.GetGuestTokenAsync("Visitor");
        var guestRest = ClientFactory.Rest(Node.Address, guest.AccessToken);
        var name = $"garden {Guid.NewGuid():N}"[..20];

        var room = await owner.CreateRoomAsync(new CreateRoomRequest(name, "plants", false, null));
        var renamed = await owner.UpdateRoomAsync(room.Id, new UpdateRoomRequest(name + " club", null));
        var settled = await owner.UpdateSettingsAsync(room.Id, new RoomSettings(SlowModeSeconds: 0, MaxMembers: 10));
        var joined = await bobRest.JoinRoomAsync(room.Id);
        var promoted = await owner.ChangeRoleAsync(room.Id, bob.Id, RoomRole.Moderator);
        var invitation = await owner.CreateInvitationAsync(room.Id, new CreateInvitationRequest(3600, 1));
        var accepted = await guestRest.AcceptInvitationAsync(invitation.Token);
        var muted = await bobRest.MuteAsync(room.Id, guest.UserId, TimeSpan.FromMinutes(10));
        var unmuted = await bobRest.UnmuteAsync(room.Id, guest.UserId);

        Assert.Equal(registered.UserName.ToLowerInvariant(), registered.UserName);
        Assert.Equal((name + " club", "plants", 10), (renamed.Name, renamed.Topic, settled.Settings.MaxMembers));
        Assert.Equal((RoomRole.Member, RoomRole.Moderator), (joined.Role, promoted.Role));
        Assert.Equal((room.Id, guest.UserId), (accepted.RoomId, accepted.UserId));
        Assert.Equal(1, invitation.MaxUses);
        Assert.NotNull(muted.MutedUntil);
        Assert.Null(unmuted.MutedUntil);
        Assert.Equal(3, (await owner.GetRoomAsync(room.Id)).MemberCount);
        Assert.Contains(await bobRest.SearchRoomsAsync(name), r => r.Id == room.Id);
        Assert.Contains(await bobRest.SearchRoomsAsync(memberUserName: registered.UserName), r => r.Id == room.Id);

        await bobRest.KickAsync(room.Id, guest.UserId, "testing kicks");
        Assert.DoesNotContain(await owner.GetMembersAsync(room.Id), m => m.UserId == guest.UserId);
        await owner.BanAsync(room.Id, bob.Id, "testing bans");
        var banned = await Assert.ThrowsAsync<ChatServiceException>(() => bobRest.JoinRoomAsync(room.Id));
        Assert.Equal(ErrorCodes.Banned, banned.Code);
        await owner.UnbanAsync(room.Id, bob.Id);
        Assert.Equal(RoomRole.Member, (await bobRest.JoinRoomAsync(room.Id)).Role);

        var bytes = "plant care schedule"u8.ToArray();
        var attachment = await owner.UploadAttachmentAsync(room.Id, new MemoryStream(bytes), "schedule.txt", "text/plain");
        var fileAck = await owner.SendMessageAsync(room.Id, new SendMessageRequest(
            null, Guid.NewGuid().ToString(), "file", "the schedule", AttachmentId: attachment.Id.ToString()));
        await using (var download = await bobRest.OpenAttachmentAsync(attachment.Id))
        {
            using var copy = new MemoryStream();
            await download.CopyToAsync(copy);
            Assert.Equal(bytes, copy.ToArray());
        }

        Assert.Equal(attachment.Id, Assert.Single(await bobRest.GetHistoryAsync(room.Id, afterSeq: fileAck.Seq - 1)).Attachment!.Id);
        var ack = await owner.SendTextAsync(room.Id, "hello over http");
        Assert.Equal("hello over http", Assert.Single(await bobRest.GetHistoryAsync(room.Id, beforeSeq: ack.Seq + 1, limit: 1)).Content);
        Assert.Equal(new[] { registered.Id, bob.Id }.Order(), (await owner.GetReceiptsAsync(room.Id)).Select(r => r.UserId).Order());

        Assert.Equal([bob.Id], (await owner.BlockUserAsync(bob.Id)).Select(u => u.Id));
        Assert.Equal([bob.Id], (await owner.GetBlockedUsersAsync()).Select(u => u.Id));
        await owner.UnblockUserAsync(bob.Id);
        Assert.Empty(await owner.GetBlockedUsersAsync());
        await owner.UpdateMeAsync(new UpdateProfileRequest("The Owner", null));
        Assert.Equal("The Owner", (await bobRest.GetUserAsync(registered.Id)).DisplayName);
    }

    [Fact]
    public async Task REST_refusals_surface_as_exceptions_carrying_the_protocol_code_and_status()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        var aliceRest = ClientFactory.Rest(Node.Address, alice.Token);
        var bobRest = ClientFactory.Rest(Node.Address, bob.Token);
        var anonymous = ClientFactory.Rest(Node.Address);
        var invitation = await aliceRest.CreateInvitationAsync(room.Id, new CreateInvitationRequest(3600, 1));
        await ClientFactory.Rest(Node.Address, (await TestUser.RegisterAsync(Node, "carol")).Token).AcceptInvitationAsync(invitation.Token);

        var notFound = await Assert.ThrowsAsync<ChatServiceException>(() => bobRest.GetRoomAsync(Guid.NewGuid()));
        var forbidden = await Assert.ThrowsAsync<ChatServiceException>(() => bobRest.UpdateRoomAsync(room.Id, new UpdateRoomRequest("mine now", null)));
        var invalid = await Assert.ThrowsAsync<ChatServiceException>(() => aliceRest.CreateRoomAsync(new CreateRoomRequest("", null, false, null)));
        var unauthorized = await Assert.ThrowsAsync<ChatServiceException>(() => anonymous.GetTokenAsync(alice.Profile.UserName, "not the password"));
        var anonymousRead = await Assert.ThrowsAsync<ChatServiceException>(() => anonymous.GetRoomsAsync());
        var conflict = await Assert.ThrowsAsync<ChatServiceException>(() =>
            anonymous.RegisterAsync(new RegisterRequest(alice.Profile.UserName, "correct horse battery", "Alice again")));
        var dave = ClientFactory.Rest(Node.Address, (await TestUser.RegisterAsync(Node, "dave")).Token);
        var gone = await Assert.ThrowsAsync<ChatServiceException>(() => dave.AcceptInvitationAsync(invitation.Token));
        var notAdmin = await Assert.ThrowsAsync<ChatServiceException>(() => bobRest.SendSystemMessageAsync(room.Id, "pretending"));

        Assert.Equal((ErrorCodes.NotFound, System.Net.HttpStatusCode.NotFound), (notFound.Code, notFound.Status));
        Assert.Equal((ErrorCodes.Forbidden, System.Net.HttpStatusCode.Forbidden), (forbidden.Code, forbidden.Status));
        Assert.Equal((ErrorCodes.Invalid, System.Net.HttpStatusCode.BadRequest), (invalid.Code, invalid.Status));
        Assert.Contains("name", invalid.Errors!.Keys);
        Assert.Equal(ErrorCodes.Unauthorized, unauthorized.Code);
        Assert.Equal(ErrorCodes.Unauthorized, anonymousRead.Code);
        Assert.Equal(ErrorCodes.Conflict, conflict.Code);
        Assert.Equal(ErrorCodes.Gone, gone.Code);
        Assert.Equal(ErrorCodes.Forbidden, notAdmin.Code);
    }

    [Fact]
    public async Task In_slow_mode_a_hub_send_too_soon_is_rate_limited_and_a_REST_send_with_a_clientMessageId_waits_out_Retry_After()
    {
        var (alice, bob, room) = await TestRooms.OfTwoAsync(Node);
        await ClientFactory.Rest(Node.Address, alice.Token).UpdateSettingsAsync(room.Id, new RoomSettings(SlowModeSeconds: 2));
        var bobRest = ClientFactory.Rest(Node.Address, bob.Token);
        await using var bobHub = await ClientFactory.ConnectAsync(Node.Address, bob);

        var first = await bobHub.SendTextAsync(room.Id, "first");
        var refused = await Assert.ThrowsAsync<ChatServiceException>(() => bobHub.SendTextAsync(room.Id, "too soon"));
        var retried = await bobRest.SendTextAsync(room.Id, "sent once the slow mode allows");

        Assert.Equal(ErrorCodes.RateLimited, refused.Code);
        Assert.InRange(refused.RetryAfter!.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(2));
        Assert.DoesNotContain("retryAfterMs", refused.Message, StringComparison.Ordinal);
        Assert.True(retried.Seq > first.Seq);
        var history = await bobRest.GetHistoryAsync(room.Id, afterSeq: first.Seq);
        Assert.Equal(["sent once the slow mode allows"], history.Where(m => m.Type == MessageType.Text).Select(m => m.Content));
    }

    [Fact]
    public async Task AddChatClient_registers_both_clients_from_configuration_and_refuses_a_missing_address()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ChatClient:BaseAddress"] = Node.Address.ToString() })
            .Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddChatClient(o => o.AccessTokenProvider = () => Task.FromResult<string?>(alice.Token));
        await using var provider = services.BuildServiceProvider();

        var rest = provider.GetRequiredService<ChatRestClient>();
        var room = await rest.CreateRoomAsync(new CreateRoomRequest("registered", null, false, null));
        var hub = provider.GetRequiredService<ChatClient>();
        await hub.StartAsync();
        var snapshot = await hub.JoinRoomAsync(room.Id);

        Assert.Equal(alice.Id, Assert.Single(snapshot.Members).UserId);
        var missing = new ServiceCollection();
        missing.AddChatClient();
        await using var broken = missing.BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => broken.GetRequiredService<IOptions<ChatClientOptions>>().Value);
    }
}
