using System.Net;
using System.Net.Http.Json;
using Chat.Contracts;
using Chat.Tests.Client;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Integration;

/// <summary>A node that knows one service client, <c>reports</c>.</summary>
public sealed class ServiceClientNodeFixture() : NodeFixture(new Dictionary<string, string?>
{
    ["Services:Clients:0:Name"] = Name,
    ["Services:Clients:0:Secret"] = Secret,
})
{
    public const string Name = "reports";
    public const string Secret = "a-long-shared-secret-for-the-reports-service";
}

public sealed class ServiceTokenTests(ServiceClientNodeFixture fixture) : IClassFixture<ServiceClientNodeFixture>
{
    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task A_configured_service_gets_a_service_token_for_one_account_and_may_send_system_messages()
    {
        var signIn = ClientFactory.Rest(Node.Address);
        var token = await signIn.GetServiceTokenAsync(ServiceClientNodeFixture.Name, ServiceClientNodeFixture.Secret);
        var again = await signIn.GetServiceTokenAsync(ServiceClientNodeFixture.Name, ServiceClientNodeFixture.Secret);
        var alice = await TestUser.RegisterAsync(Node, "alice");
        var room = await alice.CreateRoomAsync(Node);
        await using var aliceHub = await HubClient.ConnectAsync(Node, alice);

        Assert.Equal(token.UserId, again.UserId);
        var service = ClientFactory.Rest(Node.Address, token.AccessToken);
        var me = await service.GetMeAsync();
        Assert.Equal(("service-reports", GlobalRole.Service), (me.UserName, me.Role));
        await service.JoinRoomAsync(room.Id);
        await service.SendSystemMessageAsync(room.Id, "nightly report is ready");
        var received = await aliceHub.NextMessageAsync(MessageType.System);
        Assert.Equal(("nightly report is ready", token.UserId), (received.Content, received.SenderId));
    }

    [Theory]
    [InlineData(ServiceClientNodeFixture.Name, "not-the-secret")]
    [InlineData("billing", ServiceClientNodeFixture.Secret)]
    [InlineData(ServiceClientNodeFixture.Name, "")]
    [InlineData("", "")]
    public async Task A_wrong_secret_or_an_unknown_service_is_unauthorized(string name, string secret)
    {
        using var response = await SignInAsync(name, secret);

        await ProblemAssert.HasCodeAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Nobody_can_register_a_userName_kept_for_services()
    {
        using var http = Node.Http();

        using var response = await http.PostAsJsonAsync(ApiRoutes.Register, new RegisterRequest("service-reports", "correct horse battery", "Fake"), Json.Options);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task<HttpResponseMessage> SignInAsync(string name, string secret)
    {
        using var http = Node.Http();
        return await http.PostAsJsonAsync(ApiRoutes.ServiceToken, new ServiceTokenRequest(name, secret), Json.Options);
    }
}
