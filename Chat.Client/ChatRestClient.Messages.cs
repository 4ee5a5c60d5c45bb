using System.Net.Http.Headers;
using Chat.Contracts;

namespace Chat.Client;

/// <summary>History, search, sending, pins, receipts and attachments over HTTP.</summary>
public sealed partial class ChatRestClient
{
    /// <summary>A page of history, newest last: before <paramref name="beforeSeq"/>, after <paramref name="afterSeq"/>, or the newest.</summary>
    public Task<MessageDto[]> GetHistoryAsync(Guid roomId, long? beforeSeq = null, long? afterSeq = null, int? limit = null, CancellationToken cancellationToken = default) =>
        GetAsync<MessageDto[]>(Query($"api/rooms/{roomId}/messages", ("beforeSeq", beforeSeq), ("afterSeq", afterSeq), ("limit", limit)), cancellationToken);

    /// <summary>
    /// Sends a message to <paramref name="roomId"/>; the ack means it is stored. With a
    /// clientMessageId the send is idempotent, so it is retried on transient failures and a
    /// repeat comes back with <c>duplicate: true</c>; without one it is sent at most once.
    /// </summary>
    public Task<MessageAck> SendMessageAsync(Guid roomId, SendMessageRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<MessageAck>(
            HttpMethod.Post, $"api/rooms/{roomId}/messages", request, cancellationToken,
            idempotent: Guid.TryParse(request.ClientMessageId, out _));

    /// <summary>Sends a text message with a fresh clientMessageId (or the given one, when retrying by hand).</summary>
    public Task<MessageAck> SendTextAsync(Guid roomId, string content, Guid? clientMessageId = null, CancellationToken cancellationToken = default) =>
        SendMessageAsync(roomId, Text("text", content, clientMessageId), cancellationToken);

    /// <summary>
    /// Posts a <c>system</c> message: allowed to service accounts (a token from
    /// <see cref="GetServiceTokenAsync"/>) and room admins, in rooms they are members of.
    /// </summary>
    public Task<MessageAck> SendSystemMessageAsync(
        Guid roomId, string content, Guid? clientMessageId = null, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) =>
        SendMessageAsync(roomId, Text("system", content, clientMessageId) with { Metadata = metadata?.ToDictionary() }, cancellationToken);

    /// <summary>
    /// The room's messages that match <paramref name="query"/> (web search syntax: words,
    /// "a phrase", or, -word), best first; <c>highlight</c> is HTML-safe. Members only.
    /// </summary>
    public Task<MessageSearchPage> SearchRoomMessagesAsync(
        Guid roomId, string query, int? limit = null, int? offset = null, CancellationToken cancellationToken = default) =>
        GetAsync<MessageSearchPage>(Query($"api/rooms/{roomId}/messages/search", ("q", query), ("limit", limit), ("offset", offset)), cancellationToken);

    /// <summary>The messages of every room the caller is a member of that match <paramref name="query"/>, best first.</summary>
    public Task<MessageSearchPage> SearchMessagesAsync(
        string query, int? limit = null, int? offset = null, CancellationToken cancellationToken = default) =>
        GetAsync<MessageSearchPage>(Query("api/messages/search", ("q", query), ("limit", limit), ("offset", offset)), cancellationToken);

    /// <summary>The room's pinned messages, the latest pin first (members).</summary>
    public Task<PinDto[]> GetPinsAsync(Guid roomId, CancellationToken cancellationToken = default) =>
        GetAsync<PinDto[]>($"api/rooms/{roomId}/pins", cancellationToken);

    /// <summary>Pins a message (moderators and admins); pinning it again answers the pin as it stands.</summary>
    public Task<PinDto> PinMessageAsync(Guid roomId, Guid messageId, CancellationToken cancellationToken = default) =>
        SendAsync<PinDto>(HttpMethod.Put, $"api/rooms/{roomId}/pins/{messageId}", null, cancellationToken);

    /// <summary>Takes a message's pin away (moderators and admins).</summary>
    public Task UnpinMessageAsync(Guid roomId, Guid messageId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"api/rooms/{roomId}/pins/{messageId}", null, cancellationToken);

    /// <summary>Each member's delivered and read pointers.</summary>
    public Task<ReceiptDto[]> GetReceiptsAsync(Guid roomId, CancellationToken cancellationToken = default) =>
        GetAsync<ReceiptDto[]>($"api/rooms/{roomId}/receipts", cancellationToken);

    /// <summary>Uploads a file for messages in the room; send it with type <c>file</c> or <c>image</c> and its id.</summary>
    public async Task<AttachmentDto> UploadAttachmentAsync(
        Guid roomId, Stream content, string fileName, string contentType, CancellationToken cancellationToken = default)
    {
        var file = new StreamContent(content);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var form = new MultipartFormDataContent { { file, "file", fileName } };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/rooms/{roomId}/attachments") { Content = form };
        using var response = await SendRawAsync(request, cancellationToken);
        return await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<AttachmentDto>(response.Content, Json, cancellationToken)
            ?? throw new InvalidOperationException("The upload answered without a body");
    }

    /// <summary>Downloads an attachment (members of its room only); dispose the stream when done.</summary>
    public async Task<Stream> OpenAttachmentAsync(Guid attachmentId, CancellationToken cancellationToken = default)
    {
        var response = await SendRawAsync(new HttpRequestMessage(HttpMethod.Get, $"api/attachments/{attachmentId}"), cancellationToken);
        return await response.Content.ReadAsStreamAsync(cancellationToken);
    }

    private static SendMessageRequest Text(string type, string content, Guid? clientMessageId) =>
        new(null, (clientMessageId ?? ClientMessageIds.New()).ToString(), type, content);
}
