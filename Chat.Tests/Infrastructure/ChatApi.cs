using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Chat.Contracts;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// The REST API as tests call it, on an <see cref="HttpClient"/> from <see cref="ChatNode.Http"/>
/// that carries the caller's token. A call whose answer a test checks returns the response (see
/// <see cref="ExpectAsync"/>, <see cref="ReadAsync{T}"/> and <see cref="ProblemAssert"/>); a
/// read returns what it read and fails unless it succeeded.
/// </summary>
public static class ChatApi
{
    public static Task<HttpResponseMessage> CreateRoomAsync(this HttpClient http, CreateRoomRequest request) =>
        http.PostAsJsonAsync(ApiRoutes.Rooms, request, Json.Options);

    public static Task<HttpResponseMessage> UpdateRoomAsync(this HttpClient http, Guid roomId, UpdateRoomRequest request) =>
        http.PatchAsJsonAsync(ApiRoutes.Room(roomId), request, Json.Options);

    /// <summary>PUT of the room's settings: the whole object, absent fields back to their defaults.</summary>
    public static Task<HttpResponseMessage> PutSettingsAsync(this HttpClient http, Guid roomId, RoomSettings settings) =>
        http.PutAsJsonAsync(ApiRoutes.Settings(roomId), settings, Json.Options);

    public static Task<RoomDto> RoomAsync(this HttpClient http, Guid roomId) => GetAsync<RoomDto>(http, ApiRoutes.Room(roomId));

    /// <summary>The caller's rooms, with unread counts.</summary>
    public static Task<RoomDto[]> RoomsAsync(this HttpClient http) => GetAsync<RoomDto[]>(http, ApiRoutes.Rooms);

    /// <summary>Joins the public room as the caller.</summary>
    public static Task<HttpResponseMessage> JoinAsync(this HttpClient http, Guid roomId) => http.PostAsync(ApiRoutes.Members(roomId), null);

    public static Task<HttpResponseMessage> LeaveAsync(this HttpClient http, Guid roomId) => http.DeleteAsync(ApiRoutes.MyMembership(roomId));

    public static Task<MemberDto[]> MembersAsync(this HttpClient http, Guid roomId) => GetAsync<MemberDto[]>(http, ApiRoutes.Members(roomId));

    /// <summary>The entry of <paramref name="userId"/> in the room's member list.</summary>
    public static async Task<MemberDto> MemberAsync(this HttpClient http, Guid roomId, Guid userId) =>
        Assert.Single(await http.MembersAsync(roomId), m => m.UserId == userId);

    public static Task<HttpResponseMessage> ChangeRoleAsync(this HttpClient http, Guid roomId, Guid userId, string role) =>
        http.PutAsJsonAsync(ApiRoutes.Role(roomId, userId), new ChangeRoleRequest(role), Json.Options);

    public static Task<HttpResponseMessage> MuteAsync(this HttpClient http, Guid roomId, Guid userId, int durationSeconds) =>
        http.PostAsJsonAsync(ApiRoutes.Mute(roomId, userId), new MuteRequest(durationSeconds), Json.Options);

    public static Task<HttpResponseMessage> UnmuteAsync(this HttpClient http, Guid roomId, Guid userId) =>
        http.DeleteAsync(ApiRoutes.Mute(roomId, userId));

    public static Task<HttpResponseMessage> KickAsync(this HttpClient http, Guid roomId, Guid userId, string? reason = null) =>
        http.PostAsJsonAsync(ApiRoutes.Kick(roomId, userId), new KickRequest(reason), Json.Options);

    public static Task<HttpResponseMessage> BanAsync(this HttpClient http, Guid roomId, Guid userId, string? reason = null) =>
        http.PostAsJsonAsync(ApiRoutes.Bans(roomId), new BanRequest(userId, reason), Json.Options);

    public static Task<HttpResponseMessage> UnbanAsync(this HttpClient http, Guid roomId, Guid userId) =>
        http.DeleteAsync(ApiRoutes.Ban(roomId, userId));

    /// <summary>The room's history: the newest messages, or those after <paramref name="afterSeq"/>.</summary>
    public static Task<MessageDto[]> HistoryAsync(this HttpClient http, Guid roomId, long? afterSeq = null, int? limit = null)
    {
        var query = new List<string>();
        if (afterSeq is not null)
        {
            query.Add(string.Create(CultureInfo.InvariantCulture, $"afterSeq={afterSeq}"));
        }

        if (limit is not null)
        {
            query.Add(string.Create(CultureInfo.InvariantCulture, $"limit={limit}"));
        }

        var route = ApiRoutes.Messages(roomId);
        return GetAsync<MessageDto[]>(http, query.Count == 0 ? route : $"{route}?{string.Join('&', query)}");
    }

    /// <summary>Sends over HTTP: the same body and ack as the hub.</summary>
    public static Task<HttpResponseMessage> PostMessageAsync(this HttpClient http, Guid roomId, SendMessageRequest request) =>
        http.PostAsJsonAsync(ApiRoutes.Messages(roomId), request, Json.Options);

    /// <summary>
    /// A message search, in one room or (without <paramref name="roomId"/>) in all the caller's
    /// rooms; the answer, for a test that checks refusals too. A null argument is left out.
    /// </summary>
    public static Task<HttpResponseMessage> SearchMessagesAsync(
        this HttpClient http, Guid? roomId, string? q, int? limit = null, int? offset = null)
    {
        var query = new List<string>();
        if (q is not null)
        {
            query.Add($"q={Uri.EscapeDataString(q)}");
        }

        if (limit is not null)
        {
            query.Add(string.Create(CultureInfo.InvariantCulture, $"limit={limit}"));
        }

        if (offset is not null)
        {
            query.Add(string.Create(CultureInfo.InvariantCulture, $"offset={offset}"));
        }

        var route = roomId is { } id ? ApiRoutes.RoomMessageSearch(id) : ApiRoutes.MessageSearch;
        return http.GetAsync(query.Count == 0 ? route : $"{route}?{string.Join('&', query)}");
    }

    /// <summary>The page a search that must succeed finds.</summary>
    public static Task<MessageSearchPage> SearchPageAsync(this HttpClient http, Guid? roomId, string q, int? limit = null, int? offset = null) =>
        http.SearchMessagesAsync(roomId, q, limit, offset).ReadAsync<MessageSearchPage>();

    public static Task<HttpResponseMessage> PinAsync(this HttpClient http, Guid roomId, Guid messageId) =>
        http.PutAsync(ApiRoutes.Pin(roomId, messageId), null);

    public static Task<HttpResponseMessage> UnpinAsync(this HttpClient http, Guid roomId, Guid messageId) =>
        http.DeleteAsync(ApiRoutes.Pin(roomId, messageId));

    public static Task<HttpResponseMessage> ListPinsAsync(this HttpClient http, Guid roomId) => http.GetAsync(ApiRoutes.Pins(roomId));

    /// <summary>The room's pins, the latest first.</summary>
    public static Task<PinDto[]> PinsAsync(this HttpClient http, Guid roomId) => GetAsync<PinDto[]>(http, ApiRoutes.Pins(roomId));

    /// <summary>The delivery and read pointers of every member.</summary>
    public static Task<ReceiptDto[]> ReceiptsAsync(this HttpClient http, Guid roomId) => GetAsync<ReceiptDto[]>(http, ApiRoutes.Receipts(roomId));

    /// <summary>Uploads a file to the room, as <see cref="FileForm"/> sends it.</summary>
    public static async Task<HttpResponseMessage> UploadAsync(
        this HttpClient http, Guid roomId, byte[] content, string fileName, string? declaredType = null)
    {
        using var form = FileForm(content, fileName, declaredType);
        return await http.PostAsync(ApiRoutes.Attachments(roomId), form);
    }

    /// <summary>
    /// An upload's body: the file in the multipart field <c>file</c> under <paramref name="fileName"/>
    /// and, when given, the type the client declares (the server sniffs its own).
    /// </summary>
    public static MultipartFormDataContent FileForm(byte[] content, string fileName, string? declaredType = null)
    {
        var file = new ByteArrayContent(content);
        if (declaredType is not null)
        {
            file.Headers.ContentType = new MediaTypeHeaderValue(declaredType);
        }

        // filename* (RFC 5987) carries any name, quotes and non-ASCII letters included.
        file.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "file", FileNameStar = fileName };
        return new MultipartFormDataContent { file };
    }

    public static Task<UserDto[]> BotsAsync(this HttpClient http) => GetAsync<UserDto[]>(http, ApiRoutes.Bots);

    public static Task<HttpResponseMessage> AddBotAsync(this HttpClient http, Guid roomId, string userName) =>
        http.PostAsJsonAsync(ApiRoutes.RoomBots(roomId), new AddBotRequest(userName), Json.Options);

    public static Task<HttpResponseMessage> RemoveBotAsync(this HttpClient http, Guid roomId, Guid botId) =>
        http.DeleteAsync($"{ApiRoutes.RoomBots(roomId)}/{botId}");

    public static Task<HttpResponseMessage> InviteAsync(this HttpClient http, Guid roomId, CreateInvitationRequest request) =>
        http.PostAsJsonAsync(ApiRoutes.Invitations(roomId), request, Json.Options);

    public static Task<HttpResponseMessage> AcceptInvitationAsync(this HttpClient http, string invitationToken) =>
        http.PostAsync(ApiRoutes.Accept(invitationToken), null);

    public static Task<UserDto> MeAsync(this HttpClient http) => GetAsync<UserDto>(http, ApiRoutes.Me);

    /// <summary>A user's profile, presence included.</summary>
    public static Task<UserDto> ProfileAsync(this HttpClient http, Guid userId) => GetAsync<UserDto>(http, ApiRoutes.User(userId));

    /// <summary>The users the caller has blocked.</summary>
    public static Task<UserDto[]> BlocksAsync(this HttpClient http) => GetAsync<UserDto[]>(http, ApiRoutes.Blocks);

    /// <summary>Blocks a user; a success answers the caller's blocks.</summary>
    public static Task<HttpResponseMessage> BlockAsync(this HttpClient http, Guid userId) =>
        http.PostAsJsonAsync(ApiRoutes.Blocks, new BlockUserRequest(userId), Json.Options);

    public static Task<HttpResponseMessage> UnblockAsync(this HttpClient http, Guid userId) => http.DeleteAsync(ApiRoutes.Block(userId));

    /// <summary>Activity counts per action and UTC day over the last <paramref name="days"/> days (global admins).</summary>
    public static Task<ActivityCountDto[]> ActivityAsync(this HttpClient http, int days) =>
        GetAsync<ActivityCountDto[]>(http, string.Create(CultureInfo.InvariantCulture, $"{ApiRoutes.Activity}?days={days}"));

    /// <summary>Fails the test unless the call answered <paramref name="status"/>.</summary>
    public static async Task ExpectAsync(this Task<HttpResponseMessage> call, HttpStatusCode status)
    {
        using var response = await call;
        Assert.True(response.StatusCode == status, $"{status} expected, got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Fails the test unless the call succeeded.</summary>
    public static async Task ExpectSuccessAsync(this Task<HttpResponseMessage> call)
    {
        using var response = await call;
        Assert.True(response.IsSuccessStatusCode, $"success expected, got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The body of a successful answer, one with <paramref name="status"/> when it is given.</summary>
    public static async Task<T> ReadAsync<T>(this Task<HttpResponseMessage> call, HttpStatusCode? status = null)
    {
        using var response = await call;
        var expected = status?.ToString() ?? "success";
        Assert.True(
            status is null ? response.IsSuccessStatusCode : response.StatusCode == status,
            $"{expected} expected, got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>(Json.Options))!;
    }

    private static async Task<T> GetAsync<T>(HttpClient http, string route) => (await http.GetFromJsonAsync<T>(route, Json.Options))!;
}
