using System.Net;
using System.Net.Sockets;
using System.Text;
using Chat.Contracts;
using Chat.Data;
using Chat.Hubs.Retention;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Chat.Tests.Integration;

/// <summary>
/// What keeps uploads from filling the database: a storage quota per user, refusals that come
/// before the body is read, and uploads no message takes up deleted after a grace period.
/// </summary>
public sealed class UploadLimitsTests(AttachmentNodeFixture fixture) : IClassFixture<AttachmentNodeFixture>
{
    private const long MiB = 1024 * 1024;

    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task A_users_files_stop_at_the_storage_quota_and_deleting_a_message_with_a_file_makes_room()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        var room = await alice.CreateRoomAsync(Node);
        await bob.JoinAsync(Node, room.Id);
        using var http = Node.Http(alice.Token);

        var first = await http.UploadAsync(room.Id, new byte[MiB], "1.bin").ReadAsync<AttachmentDto>(HttpStatusCode.Created);
        await http.UploadAsync(room.Id, new byte[MiB], "2.bin").ExpectAsync(HttpStatusCode.Created);
        await http.UploadAsync(room.Id, new byte[MiB], "3.bin").ExpectAsync(HttpStatusCode.Created);
        using var overQuota = await http.UploadAsync(room.Id, new byte[MiB], "4.bin");
        await http.UploadAsync(room.Id, new byte[MiB / 2], "half.bin").ExpectAsync(HttpStatusCode.Created);
        using var full = await http.UploadAsync(room.Id, new byte[10], "tiny.bin");

        await ProblemAssert.HasCodeAsync(overQuota, HttpStatusCode.TooManyRequests, ErrorCodes.Limit);
        await ProblemAssert.HasCodeAsync(full, HttpStatusCode.TooManyRequests, ErrorCodes.Limit);
        using (var bobsHttp = Node.Http(bob.Token))
        {
            await bobsHttp.UploadAsync(room.Id, new byte[MiB], "bobs.bin").ExpectAsync(HttpStatusCode.Created);
        }

        await using var hub = await HubClient.ConnectAsync(Node, alice);
        var sent = await hub.SendMessageAsync(room.Id, "file", "the first one", first.Id);
        await hub.DeleteMessageAsync(room.Id, sent.MessageId);
        await http.UploadAsync(room.Id, new byte[MiB], "5.bin").ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task An_upload_to_a_room_the_caller_may_not_share_files_in_is_refused_before_its_body_arrives()
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var stranger = await TestUser.RegisterAsync(Node, "stranger");
        var room = await owner.CreateRoomAsync(Node);

        // Headers that announce a 1 MiB form, and the first bytes of it; the rest never comes.
        var answer = await StartUploadAsync(stranger, room.Id, declaredBytes: MiB);

        Assert.StartsWith("HTTP/1.1 403", answer);
        Assert.Contains("\"code\":\"forbidden\"", answer);
    }

    [Fact]
    public async Task Uploads_that_no_message_carries_are_deleted_after_the_grace_period_and_sent_ones_stay()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node);
        using var http = Node.Http(alice.Token);
        var unused = await http.UploadAsync(room.Id, Encoding.UTF8.GetBytes("never sent"), "draft.txt").ReadAsync<AttachmentDto>(HttpStatusCode.Created);
        var sent = await http.UploadAsync(room.Id, Encoding.UTF8.GetBytes("sent"), "sent.txt").ReadAsync<AttachmentDto>(HttpStatusCode.Created);
        await using var hub = await HubClient.ConnectAsync(Node, alice);
        await hub.SendMessageAsync(room.Id, "file", "here it is", sent.Id);
        var grace = TimeSpan.FromSeconds(new RetentionOptions().UnusedUploadSeconds);

        await RetentionAt(DateTimeOffset.UtcNow + grace - TimeSpan.FromMinutes(5)).PurgeOnceAsync();
        await http.GetAsync(unused.Url.TrimStart('/')).ExpectAsync(HttpStatusCode.OK);

        await RetentionAt(DateTimeOffset.UtcNow + grace + TimeSpan.FromMinutes(5)).PurgeOnceAsync();
        using var gone = await http.GetAsync(unused.Url.TrimStart('/'));
        await ProblemAssert.HasCodeAsync(gone, HttpStatusCode.NotFound, ErrorCodes.NotFound);
        await http.GetAsync(sent.Url.TrimStart('/')).ExpectAsync(HttpStatusCode.OK);
    }

    private MessageRetention RetentionAt(DateTimeOffset now) => new(
        Node.Services.GetRequiredService<MessageRetentionRepository>(),
        Node.Services.GetRequiredService<AttachmentRepository>(),
        Node.Services.GetRequiredService<RefreshTokenRepository>(),
        Options.Create(new RetentionOptions()),
        new FakeTimeProvider(now),
        NullLogger<MessageRetention>.Instance);

    /// <summary>Sends an upload's headers and the start of its body over a raw socket, and reads what the node answers meanwhile.</summary>
    private async Task<string> StartUploadAsync(TestUser user, Guid roomId, long declaredBytes)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, Node.Address.Port);
        const string boundary = "upload-boundary";
        var head = $"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\n";
        var request = $"POST /{ApiRoutes.Attachments(roomId)} HTTP/1.1\r\nHost: {Node.Address.Authority}\r\n"
            + $"Authorization: Bearer {user.Token}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
            + $"Content-Length: {declaredBytes}\r\n\r\n{head}";
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));
        await socket.SendAsync(new byte[4096]);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[8192];
        var answer = new StringBuilder();
        while (!answer.ToString().Contains("\"code\"", StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (read == 0)
            {
                break;
            }

            answer.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return answer.ToString();
    }
}
