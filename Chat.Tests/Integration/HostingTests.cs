using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Integration;

public sealed class HostingTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task Health_endpoints_answer_without_a_token()
    {
        using var http = Node.Http();

        var live = await http.GetAsync("health/live");
        var ready = await http.GetAsync("health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readiness_fails_when_PostgreSQL_is_unreachable()
    {
        var unreachable = new Npgsql.NpgsqlConnectionStringBuilder(TestServers.Postgres) { Port = 1, Timeout = 2 }.ConnectionString;
        await using var node = ChatNode.Start(unreachable, extra: new Dictionary<string, string?> { ["Database:MigrateOnStartup"] = "false" });
        using var http = node.Http();

        var ready = await http.GetAsync("health/ready");
        var live = await http.GetAsync("health/live");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var register = await http.PostAsJsonAsync(ApiRoutes.Register, new RegisterRequest("someone", "long enough", "Someone"));
        await ProblemAssert.HasCodeAsync(register, HttpStatusCode.ServiceUnavailable, "unavailable");
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_room_routes_and_swagger_serves_it()
    {
        using var http = Node.Http();

        using var document = JsonDocument.Parse(await http.GetStringAsync("openapi/v1.json"));
        var swagger = await http.GetAsync("swagger/index.html");

        var paths = document.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/rooms", out _));
        Assert.True(paths.TryGetProperty("/api/rooms/{id}/messages", out _));
        Assert.True(paths.GetProperty("/api/rooms/{id}/attachments").GetProperty("post").GetProperty("requestBody")
            .GetProperty("content").TryGetProperty("multipart/form-data", out _));
        Assert.True(paths.TryGetProperty("/api/attachments/{id}", out _));
        Assert.True(paths.TryGetProperty("/auth/token", out _));
        Assert.Equal(HttpStatusCode.OK, swagger.StatusCode);
    }

    [Fact]
    public async Task Every_answer_says_no_sniffing_no_referrer_no_framing_and_carries_a_policy_without_inline_script()
    {
        using var http = Node.Http();

        // The web client's own pages are served under this policy in its browser tests.
        foreach (var path in new[] { "health/live", "api/rooms", "auth/nothing", "openapi/v1.json" })
        {
            using var response = await http.GetAsync(path);
            var headers = response.Headers;
            Assert.Equal("nosniff", string.Join(",", headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("no-referrer", string.Join(",", headers.GetValues("Referrer-Policy")));
            Assert.Equal("DENY", string.Join(",", headers.GetValues("X-Frame-Options")));
            var policy = string.Join(",", headers.GetValues("Content-Security-Policy"));
            Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
            Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        }

        // Swagger UI starts itself with an inline script: its page alone allows one, and may not be framed either.
        using var swagger = await http.GetAsync("swagger/index.html");
        Assert.Contains("frame-ancestors 'none'", string.Join(",", swagger.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Strict_transport_security_is_sent_over_https_as_the_proxy_reports_it_and_never_over_plain_http()
    {
        using var http = Node.Http();
        using var plain = new HttpRequestMessage(HttpMethod.Get, "health/live");
        plain.Headers.Host = "chat.example";
        using var secure = new HttpRequestMessage(HttpMethod.Get, "health/live");
        secure.Headers.Host = "chat.example";
        secure.Headers.Add("X-Forwarded-Proto", "https");

        using var overHttp = await http.SendAsync(plain);
        using var overHttps = await http.SendAsync(secure);

        Assert.False(overHttp.Headers.Contains("Strict-Transport-Security"));
        Assert.StartsWith("max-age=", string.Join(",", overHttps.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_api_docs_off_neither_the_openapi_document_nor_swagger_is_served()
    {
        await using var lone = await LoneNode.StartAsync(new Dictionary<string, string?> { ["ApiDocs:Enabled"] = "false" });
        using var http = lone.Node.Http();

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("swagger/index.html")).StatusCode);
    }

    [Fact]
    public async Task Unknown_routes_are_404_problems_with_a_code()
    {
        var alice = await TestUser.RegisterAsync(Node, "alice");
        using var http = Node.Http(alice.Token);

        // A route no endpoint has: the path is what the test is about.
        var response = await http.GetAsync("api/nothing-here");

        await ProblemAssert.HasCodeAsync(response, HttpStatusCode.NotFound, "not_found");
    }
}
