using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Integration;

public sealed class AttachmentTests(AttachmentNodeFixture fixture) : IClassFixture<AttachmentNodeFixture>
{
    // A real 1×1 PNG.
    private static readonly byte[] Pixel = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task An_uploaded_image_gets_its_sniffed_type_and_members_download_the_same_bytes_inline()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        var room = await alice.CreateRoomAsync(Node);
        await bob.JoinAsync(Node, room.Id);

        // The declared type lies and the name carries a client's path: neither is kept.
        using var upload = await UploadAsync(alice, room.Id, Pixel, @"C:\Users\alice\Pictures\pixel.png", declaredType: "text/plain");

        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var attachment = (await upload.Content.ReadFromJsonAsync<AttachmentDto>(Json.Options))!;
        Assert.Equal("pixel.png", attachment.FileName);
        Assert.Equal("image/png", attachment.ContentType);
        Assert.Equal(Pixel.Length, attachment.Size);
        Assert.Equal($"/api/attachments/{attachment.Id}", attachment.Url);
        Assert.Equal(attachment.Url, upload.Headers.Location?.OriginalString);

        using var http = Node.Http(bob.Token);
        using var download = await http.GetAsync(attachment.Url.TrimStart('/'));

        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(Pixel, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Pixel.Length, download.Content.Headers.ContentLength);
        Assert.Equal("nosniff", Assert.Single(download.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("inline", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("pixel.png", download.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.True(download.Headers.CacheControl?.Private);
    }

    [Fact]
    public async Task Other_files_download_as_attachments_under_their_encoded_names()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node);
        var text = Encoding.UTF8.GetBytes("<html><script>alert('hi')</script></html>\nnot a page: grüße\n");

        var pdf = await UploadDtoAsync(alice, room.Id, Pdf, "résumé \"final\".pdf", declaredType: "image/png");
        var page = await UploadDtoAsync(alice, room.Id, text, "page.html", declaredType: "text/html");
        var blob = await UploadDtoAsync(alice, room.Id, [0x00, 0x01, 0x02, 0xFF], "data.bin", declaredType: "image/gif");

        Assert.Equal("application/pdf", pdf.ContentType);
        Assert.Equal("résumé \"final\".pdf", pdf.FileName);
        // HTML is text like any other; it is never served as a page.
        Assert.Equal("text/plain; charset=utf-8", page.ContentType);
        Assert.Equal("application/octet-stream", blob.ContentType);

        using var http = Node.Http(alice.Token);
        using var download = await http.GetAsync(pdf.Url.TrimStart('/'));
        Assert.Equal(Pdf, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("résumé \"final\".pdf", download.Content.Headers.ContentDisposition?.FileNameStar);

        using var html = await http.GetAsync(page.Url.TrimStart('/'));
        Assert.Equal("text/plain", html.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", html.Content.Headers.ContentType?.CharSet);
        Assert.Equal("attachment", html.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("nosniff", Assert.Single(html.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task A_file_larger_than_one_read_comes_back_byte_for_byte()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node);
        var content = new byte[AttachmentNodeFixture.MaxAttachmentBytes];
        new Random(7).NextBytes(content);
        content[0] = 0x00;

        var attachment = await UploadDtoAsync(alice, room.Id, content, "random.bin");
        using var http = Node.Http(alice.Token);
        var downloaded = await http.GetByteArrayAsync(attachment.Url.TrimStart('/'));

        Assert.Equal(content.Length, attachment.Size);
        Assert.Equal(content, downloaded);
    }

    [Fact]
    public async Task Only_members_download_a_rooms_files()
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var stranger = await TestUser.RegisterAsync(Node, "stranger");
        var privateRoom = await owner.CreateRoomAsync(Node, isPrivate: true);
        var publicRoom = await owner.CreateRoomAsync(Node);
        var secret = await UploadDtoAsync(owner, privateRoom.Id, Pixel, "secret.png");
        var open = await UploadDtoAsync(owner, publicRoom.Id, Pixel, "open.png");
        using var http = Node.Http(stranger.Token);

        // A private room's file is as invisible as the room; a public room's is for those who join.
        await AssertProblemAsync(await http.GetAsync(secret.Url.TrimStart('/')), HttpStatusCode.NotFound, "not_found");
        await AssertProblemAsync(await http.GetAsync(open.Url.TrimStart('/')), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblemAsync(await http.GetAsync(ApiRoutes.Attachment(Guid.NewGuid())), HttpStatusCode.NotFound, "not_found");
        await AssertProblemAsync(await Node.Http().GetAsync(open.Url.TrimStart('/')), HttpStatusCode.Unauthorized, "unauthorized");

        await stranger.JoinAsync(Node, publicRoom.Id);
        Assert.Equal(Pixel, await http.GetByteArrayAsync(open.Url.TrimStart('/')));
    }

    [Fact]
    public async Task A_privately_sent_file_is_for_its_two_users_and_cannot_be_shown_to_the_room_by_posting_it_again()
    {
        var (alice, bob, carol, room) = await TestRooms.OfThreeAsync(Node);
        var photo = await UploadDtoAsync(alice, room.Id, Pixel, "just for bob.png");
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        var privately = new SendMessageRequest(
            room.Id.ToString(), Guid.NewGuid().ToString(), "image", "for your eyes", ToUserId: bob.Id.ToString(), AttachmentId: photo.Id.ToString());
        await aliceHub.SendMessageAsync(privately);
        using var asAlice = Node.Http(alice.Token);
        using var asBob = Node.Http(bob.Token);
        using var asCarol = Node.Http(carol.Token);

        Assert.Equal(Pixel, await asAlice.GetByteArrayAsync(photo.Url.TrimStart('/')));
        Assert.Equal(Pixel, await asBob.GetByteArrayAsync(photo.Url.TrimStart('/')));
        await AssertProblemAsync(await asCarol.GetAsync(photo.Url.TrimStart('/')), HttpStatusCode.NotFound, "not_found");

        // The file belongs to its message; a resend of that message is still the same message.
        var postedAgain = await SendRefusedAsync(aliceHub, room.Id, "image", photo.Id);
        var resent = await aliceHub.SendMessageAsync(privately);
        Assert.StartsWith("conflict: ", postedAgain.Message);
        Assert.True(resent.Duplicate);
        await AssertProblemAsync(await asCarol.GetAsync(photo.Url.TrimStart('/')), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task A_room_that_forbids_files_refuses_uploads()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node, name: "no files", settings: new RoomSettings(FileSharingAllowed: false));

        using var upload = await UploadAsync(alice, room.Id, Pixel, "pixel.png");

        Assert.False(room.Settings.FileSharingAllowed);
        await AssertProblemAsync(upload, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Guests_and_outsiders_cannot_upload()
    {
        var owner = await TestUser.RegisterAsync(Node, "owner");
        var stranger = await TestUser.RegisterAsync(Node, "stranger");
        var room = await owner.CreateRoomAsync(Node);
        var privateRoom = await owner.CreateRoomAsync(Node, isPrivate: true);
        var guest = await TestUser.GuestAsync(Node, "Visitor");
        await guest.JoinAsync(Node, room.Id);

        await AssertProblemAsync(await UploadAsync(guest, room.Id, Pixel, "pixel.png"), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblemAsync(await UploadAsync(stranger, room.Id, Pixel, "pixel.png"), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblemAsync(await UploadAsync(stranger, privateRoom.Id, Pixel, "pixel.png"), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblemAsync(await UploadAsync(owner, Guid.NewGuid(), Pixel, "pixel.png"), HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData(AttachmentNodeFixture.MaxAttachmentBytes + 1)]
    [InlineData(AttachmentNodeFixture.MaxAttachmentBytes + 64 * 1024)]
    [InlineData(16 * 1024 * 1024)]
    public async Task A_file_over_the_limit_is_refused_as_413_too_large(long size)
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node);

        using var upload = await UploadAsync(alice, room.Id, new byte[size], "big.bin");

        await AssertProblemAsync(upload, HttpStatusCode.RequestEntityTooLarge, "too_large");
        using var small = await UploadAsync(alice, room.Id, Pixel, "pixel.png");
        Assert.Equal(HttpStatusCode.Created, small.StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_oversized_upload_sent_in_chunks_or_awaiting_100_continue_is_413_too_large_too(bool chunked)
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node);
        using var http = Node.Http(alice.Token);
        http.DefaultRequestHeaders.ExpectContinue = !chunked;
        using var form = ChatApi.FileForm(new byte[8 * 1024 * 1024], "big.bin");
        using var request = new HttpRequestMessage(HttpMethod.Post, ApiRoutes.Attachments(room.Id)) { Content = form };
        // Chunked: no Content-Length, so the limit trips while the body arrives.
        request.Headers.TransferEncodingChunked = chunked;

        await AssertProblemAsync(await http.SendAsync(request), HttpStatusCode.RequestEntityTooLarge, "too_large");
    }

    [Fact]
    public async Task A_file_of_exactly_the_limit_is_accepted()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node);

        using var upload = await UploadAsync(alice, room.Id, new byte[AttachmentNodeFixture.MaxAttachmentBytes], "exact.bin");

        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
    }

    [Fact]
    public async Task An_empty_file_a_missing_file_field_or_a_body_that_is_no_form_is_400_invalid()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node);
        using var http = Node.Http(alice.Token);
        using var noFile = new MultipartFormDataContent { { new StringContent("hello"), "comment" } };

        var empty = await AssertProblemAsync(await UploadAsync(alice, room.Id, [], "empty.txt"), HttpStatusCode.BadRequest, "invalid");
        var missing = await AssertProblemAsync(
            await http.PostAsync(ApiRoutes.Attachments(room.Id), noFile), HttpStatusCode.BadRequest, "invalid");
        using var json = await http.PostAsJsonAsync(ApiRoutes.Attachments(room.Id), new { file = "pixel.png" });

        Assert.Equal("the file is empty", empty.GetProperty("errors").GetProperty("file")[0].GetString());
        Assert.Equal("a file is required in the multipart field 'file'", missing.GetProperty("errors").GetProperty("file")[0].GetString());
        Assert.True(json.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnsupportedMediaType, $"got {json.StatusCode}");
        await ProblemAssert.HasCodeAsync(json, "invalid");
    }

    [Fact]
    public async Task An_image_message_carries_its_attachment_live_in_history_in_sync_and_in_snapshots()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        var carol = await TestUser.RegisterAsync(Node, "carol");
        var room = await alice.CreateRoomAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice, HubProtocol.MessagePack);
        await using var bobHub = await HubClient.ConnectAsync(Node, bob, HubProtocol.Json);
        await bobHub.JoinRoomAsync(room.Id);
        await bobHub.NextMessageAsync(MessageType.Join);
        var attachment = await UploadDtoAsync(alice, room.Id, Pixel, "pixel.png");

        var ack = await aliceHub.SendMessageAsync(room.Id, "image", "look at this", attachment.Id);

        var live = await bobHub.NextMessageAsync(MessageType.Image);
        Assert.Equal(ack.MessageId, live.Id);
        Assert.Equal("look at this", live.Content);
        Assert.Equal(attachment, live.Attachment);

        using var http = Node.Http(bob.Token);
        var history = await http.HistoryAsync(room.Id);
        Assert.Equal(attachment, Assert.Single(history, m => m.Id == ack.MessageId).Attachment);
        var hubHistory = await aliceHub.GetHistoryAsync(room.Id);
        Assert.Equal(attachment, Assert.Single(hubHistory, m => m.Id == ack.MessageId).Attachment);

        var rooms = await http.RoomsAsync();
        Assert.Equal(attachment, Assert.Single(rooms, r => r.Id == room.Id).LastMessage?.Attachment);

        var sync = await bobHub.SyncAsync(room.Id, 0);
        Assert.Equal(attachment, Assert.Single(Assert.Single(sync.Rooms).Messages, m => m.Id == ack.MessageId).Attachment);

        await using var carolHub = await HubClient.ConnectAsync(Node, carol);
        var snapshot = await carolHub.JoinRoomAsync(room.Id);
        Assert.Equal(attachment, Assert.Single(snapshot.Recent, m => m.Id == ack.MessageId).Attachment);

        Assert.Equal(Pixel, await http.GetByteArrayAsync(live.Attachment!.Url.TrimStart('/')));
    }

    [Fact]
    public async Task A_file_message_can_carry_any_file_and_its_ack_repeats_with_the_attachment()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        var pdf = await UploadDtoAsync(alice, room.Id, Pdf, "report.pdf");
        var request = new SendMessageRequest(room.Id.ToString(), Guid.NewGuid().ToString(), "file", "", AttachmentId: pdf.Id.ToString());

        var first = await aliceHub.SendMessageAsync(request);
        var again = await aliceHub.SendMessageAsync(request);

        Assert.False(first.Duplicate);
        Assert.True(again.Duplicate);
        Assert.Equal(first.MessageId, again.MessageId);
        using var http = Node.Http(alice.Token);
        var history = await http.HistoryAsync(room.Id);
        var stored = Assert.Single(history, m => m.Id == first.MessageId);
        Assert.Equal(MessageType.File, stored.Type);
        Assert.Equal(pdf, stored.Attachment);
    }

    [Fact]
    public async Task Deleting_a_file_message_deletes_its_file()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        var pdf = await UploadDtoAsync(alice, room.Id, Pdf, "secret.pdf");
        var ack = await aliceHub.SendMessageAsync(room.Id, "file", "", pdf.Id);
        using var http = Node.Http(alice.Token);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(pdf.Url.TrimStart('/'))).StatusCode);

        await aliceHub.DeleteMessageAsync(room.Id, ack.MessageId);

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(pdf.Url.TrimStart('/'))).StatusCode);
        var history = await http.HistoryAsync(room.Id);
        var deleted = Assert.Single(history, m => m.Id == ack.MessageId);
        Assert.True(deleted.Deleted);
        Assert.Null(deleted.Attachment);
    }

    [Fact]
    public async Task A_message_may_carry_only_its_senders_own_upload_from_the_same_room()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var bob = await TestUser.RegisterAsync(Node, "bob");
        var room = await alice.CreateRoomAsync(Node);
        var otherRoom = await alice.CreateRoomAsync(Node);
        await bob.JoinAsync(Node, room.Id);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);
        var alicesImage = await UploadDtoAsync(alice, room.Id, Pixel, "pixel.png");
        var alicesPdf = await UploadDtoAsync(alice, room.Id, Pdf, "report.pdf");
        var bobsImage = await UploadDtoAsync(bob, room.Id, Pixel, "bob.png");
        var elsewhere = await UploadDtoAsync(alice, otherRoom.Id, Pixel, "elsewhere.png");

        var someoneElses = await SendRefusedAsync(aliceHub, room.Id, "image", bobsImage.Id);
        var otherRooms = await SendRefusedAsync(aliceHub, room.Id, "image", elsewhere.Id);
        var unknown = await SendRefusedAsync(aliceHub, room.Id, "file", Guid.NewGuid());
        var pdfAsImage = await SendRefusedAsync(aliceHub, room.Id, "image", alicesPdf.Id);
        var textWithFile = await SendRefusedAsync(aliceHub, room.Id, "text", alicesImage.Id);
        var imageWithoutFile = await Assert.ThrowsAsync<HubException>(() => aliceHub.SendMessageAsync(room.Id, "image", ""));

        Assert.Equal("not_found: attachment not found", someoneElses.Message);
        Assert.Equal("not_found: attachment not found", otherRooms.Message);
        Assert.Equal("not_found: attachment not found", unknown.Message);
        Assert.StartsWith("invalid: an image message needs", pdfAsImage.Message);
        Assert.Equal("invalid: attachmentId belongs on image and file messages only", textWithFile.Message);
        Assert.Equal("invalid: attachmentId is required for image and file messages", imageWithoutFile.Message);

        // Refusals store nothing; an image may still go out as a plain file.
        var accepted = await aliceHub.SendMessageAsync(room.Id, "file", "", alicesImage.Id);
        using var http = Node.Http(alice.Token);
        var history = await http.HistoryAsync(room.Id);
        Assert.Equal([MessageType.Join, MessageType.File], history.Select(m => m.Type));
        Assert.Equal(accepted.MessageId, history[^1].Id);
        Assert.Equal(alicesImage, history[^1].Attachment);
    }

    private static async Task<HubException> SendRefusedAsync(HubClient hub, Guid roomId, string type, Guid attachmentId) =>
        await Assert.ThrowsAsync<HubException>(() => hub.SendMessageAsync(roomId, type, "caption", attachmentId));

    private async Task<HttpResponseMessage> UploadAsync(
        TestUser user, Guid roomId, byte[] content, string fileName, string declaredType = "application/octet-stream")
    {
        using var http = Node.Http(user.Token);
        return await http.UploadAsync(roomId, content, fileName, declaredType);
    }

    private Task<AttachmentDto> UploadDtoAsync(
        TestUser user, Guid roomId, byte[] content, string fileName, string declaredType = "application/octet-stream") =>
        UploadAsync(user, roomId, content, fileName, declaredType).ReadAsync<AttachmentDto>(HttpStatusCode.Created);

    /// <summary>The problem answers of attachments are checked for their media type too.</summary>
    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        using (response)
        {
            ProblemAssert.IsProblemJson(response);
            return await ProblemAssert.HasCodeAsync(response, status, code);
        }
    }
}
