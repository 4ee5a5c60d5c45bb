using Chat.Contracts;
using Chat.Hubs;
using Chat.Hubs.Blocks;
using Chat.Hubs.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Users;

/// <summary>The caller's blocked users under <c>/api/users/me/blocks</c>.</summary>
public static class BlockEndpoints
{
    public static RouteGroupBuilder MapBlockEndpoints(this RouteGroupBuilder blocks)
    {
        blocks.MapGet("/", async Task<Ok<UserDto[]>> (Caller caller, BlockService service, CancellationToken ct) =>
                TypedResults.Ok(await service.ListAsync(caller, ct)))
            .WithName("GetBlocks").WithSummary("The users the caller has blocked");

        blocks.MapPost("/", async Task<Ok<UserDto[]>> (BlockUserRequest request, Caller caller, BlockService service, CancellationToken ct) =>
            {
                var blockedId = request.UserId ?? throw ChatException.Invalid("userId is required");
                return TypedResults.Ok(await service.BlockAsync(caller, blockedId, ct));
            })
            .WithName("BlockUser").WithSummary("Blocks a user: their private messages to the caller are refused and their room messages not delivered")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        blocks.MapDelete("/{userId}", async Task<NoContent> (Guid userId, Caller caller, BlockService service, CancellationToken ct) =>
            {
                await service.UnblockAsync(caller, userId, ct);
                return TypedResults.NoContent();
            })
            .WithName("UnblockUser").WithSummary("Lifts a block; lifting one that does not exist succeeds too");

        return blocks;
    }
}
