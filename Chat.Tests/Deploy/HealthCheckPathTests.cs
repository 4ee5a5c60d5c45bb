using System.Net;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Deploy;

/// <summary>App Service's health check probes a path of the running service, not an assumed one.</summary>
public sealed class HealthCheckPathTests(ChatNodeFixture node, AzureTemplateFixture azure)
    : IClassFixture<ChatNodeFixture>, IClassFixture<AzureTemplateFixture>
{
    [Fact]
    public async Task The_path_app_service_probes_answers_healthy_on_a_running_node()
    {
        var path = azure.Template.Single("Microsoft.Web/sites").Properties
            .GetProperty("siteConfig").GetProperty("healthCheckPath").GetString()!;
        using var http = node.Node.Http();

        var response = await http.GetAsync(path.TrimStart('/'));

        Assert.Equal("/health/ready", path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }
}
