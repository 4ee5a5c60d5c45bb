using System.Net;
using Chat.Contracts;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Integration;

/// <summary>The send budget is one count for the cluster: a user cannot double it by connecting to two nodes.</summary>
public sealed class ClusterSendBudgetTests(SendBudgetClusterFixture fixture) : IClassFixture<SendBudgetClusterFixture>
{
    [Fact]
    public async Task Sends_through_both_nodes_and_both_doors_spend_one_budget()
    {
        var user = await TestUser.RegisterAsync(fixture.NodeA, "erin");
        var room = await user.CreateRoomAsync(fixture.NodeA);
        await using var onA = await HubClient.ConnectAsync(fixture.NodeA, user);
        await using var onB = await HubClient.ConnectAsync(fixture.NodeB, user);

        for (var i = 0; i < SendBudgetClusterFixture.MessagesPerWindow; i++)
        {
            await (i % 2 == 0 ? onA : onB).SendTextAsync(room.Id, $"message {i}");
        }

        var refusedOnA = await Assert.ThrowsAsync<HubException>(() => onA.SendTextAsync(room.Id, "one too many"));
        var refusedOnB = await Assert.ThrowsAsync<HubException>(() => onB.SendTextAsync(room.Id, "one too many"));
        using var http = fixture.NodeB.Http(user.Token);
        using var overRest = await http.PostMessageAsync(room.Id, new SendMessageRequest(null, Guid.NewGuid().ToString(), "text", "one too many"));

        Assert.StartsWith("rate_limited: ", refusedOnA.Message);
        Assert.StartsWith("rate_limited: ", refusedOnB.Message);
        await ProblemAssert.HasCodeAsync(overRest, HttpStatusCode.TooManyRequests, ErrorCodes.RateLimited);
        Assert.DoesNotContain(await onA.GetHistoryAsync(room.Id), m => m.Content == "one too many");
    }
}
