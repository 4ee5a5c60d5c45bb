using Chat.Contracts;
using Chat.Hubs;
using Chat.Hubs.Threads;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Threads;

/// <summary>Threads under <c>/api/rooms/{id}/threads</c>; replying is sending, marking read is the hub's.</summary>
public static class ThreadEndpoints
{
    public static RouteGroupBuilder MapThreadEndpoints(this RouteGroupBuilder threads)
    {
        threads.MapGet("/", async Task<Ok<ThreadDto[]>> (Guid id, Caller caller, ThreadService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ListMineAsync(caller, id, ct)))
            .WithName("ListMyThreads").WithSummary("The threads of the room the caller takes part in, the latest reply first, with unread counts");

        threads.MapGet("/{rootId}", async Task<Ok<ThreadPage>> (
                Guid id, Guid rootId, long? afterSeq, int? limit, Caller caller, ThreadService service, CancellationToken ct) =>
                TypedResults.Ok(await service.GetAsync(caller, id, rootId, afterSeq, limit ?? ThreadService.MaxPageSize, ct)))
            .WithName("GetThread").WithSummary("A thread's root and its replies after afterSeq, oldest first (limit at most 100)");

        return threads;
    }
}
