using System.Globalization;
using System.Net.Http.Json;
using Chat.Contracts;

namespace Chat.Tests.Infrastructure;

/// <summary>Threads as tests drive them: replies and the thread methods over the hub, and the thread routes over REST.</summary>
public static class ThreadCalls
{
    /// <summary>Replies in the thread of <paramref name="rootId"/>, under a new client message id.</summary>
    public static Task<MessageAck> SendThreadReplyAsync(this HubClient hub, Guid roomId, Guid rootId, string content, bool alsoToRoom = false) =>
        hub.SendMessageAsync(new SendMessageRequest(
            roomId.ToString(), Guid.NewGuid().ToString(), "text", content, ThreadRootId: rootId.ToString(), AlsoToRoom: alsoToRoom));

    public static Task<ThreadPage> GetThreadAsync(this HubClient hub, string roomId, string rootId, long? afterSeq) =>
        hub.Connection.InvokeAsync<ThreadPage>(nameof(IChatHub.GetThread), roomId, rootId, afterSeq);

    /// <summary>The thread's root and its first replies after <paramref name="afterSeq"/>.</summary>
    public static Task<ThreadPage> GetThreadAsync(this HubClient hub, Guid roomId, Guid rootId, long? afterSeq = null) =>
        hub.GetThreadAsync(roomId.ToString(), rootId.ToString(), afterSeq);

    public static Task MarkThreadReadAsync(this HubClient hub, Guid roomId, Guid rootId, long seq) =>
        hub.Connection.InvokeAsync(nameof(IChatHub.MarkThreadRead), roomId.ToString(), rootId.ToString(), seq);

    /// <summary>The next message that is a reply in the thread of <paramref name="rootId"/>, skipping others.</summary>
    public static async Task<MessageDto> NextThreadReplyAsync(this HubClient hub, Guid rootId, TimeSpan? wait = null)
    {
        while (true)
        {
            var message = await hub.NextMessageAsync(wait);
            if (message.ThreadRootId == rootId)
            {
                return message;
            }
        }
    }

    /// <summary>The caller's threads in the room.</summary>
    public static async Task<ThreadDto[]> ThreadsAsync(this HttpClient http, Guid roomId) =>
        (await http.GetFromJsonAsync<ThreadDto[]>(ApiRoutes.Threads(roomId), Json.Options))!;

    /// <summary>GET of a thread, for a test that checks the answer (see <see cref="ChatApi.ReadAsync{T}"/>).</summary>
    public static Task<HttpResponseMessage> GetThreadAsync(this HttpClient http, Guid roomId, Guid rootId, long? afterSeq = null, int? limit = null)
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

        var route = ApiRoutes.Thread(roomId, rootId);
        return http.GetAsync(query.Count == 0 ? route : $"{route}?{string.Join('&', query)}");
    }
}
