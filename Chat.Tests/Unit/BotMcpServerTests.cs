using System.ComponentModel.DataAnnotations;
using Chat.Hubs.Bots;

namespace Chat.Tests.Unit;

public sealed class BotMcpServerTests
{
    [Theory]
    [InlineData("orders", "https://tools.example/mcp", null, true)]
    [InlineData("local", null, "npx", true)]
    [InlineData("both", "https://tools.example/mcp", "npx", false)]
    [InlineData("neither", null, null, false)]
    [InlineData("files", "file:///etc/passwd", null, false)]
    [InlineData("bad name!", "https://tools.example/mcp", null, false)]
    public void A_server_has_a_name_and_either_an_http_address_or_a_command(string name, string? url, string? command, bool valid)
    {
        var server = new BotMcpServer { Name = name, Url = url is null ? null : new Uri(url), Command = command };

        Assert.Equal(valid, Validator.TryValidateObject(server, new ValidationContext(server), null, validateAllProperties: true));
    }
}
