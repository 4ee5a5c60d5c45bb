using System.Net;
using Chat.Api.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Chat.Tests.Unit;

public sealed class ProxySettingsTests
{
    [Fact]
    public void By_default_forwarded_headers_are_read_from_loopback_only()
    {
        using var host = Build([]);

        Assert.True(host.Services.GetRequiredService<IOptions<ProxyOptions>>().Value.Enabled);
        var forwarded = host.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
        Assert.Equal(ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost, forwarded.ForwardedHeaders);
        Assert.Equal([IPAddress.IPv6Loopback], forwarded.KnownProxies);
        Assert.Equal([System.Net.IPNetwork.Parse("127.0.0.0/8")], forwarded.KnownIPNetworks);
        Assert.Equal(1, forwarded.ForwardLimit);
    }

    [Fact]
    public void Listed_proxies_and_networks_are_trusted_besides_loopback()
    {
        using var host = Build(new()
        {
            ["ForwardedHeaders:KnownProxies:0"] = "10.0.0.5",
            ["ForwardedHeaders:KnownNetworks:0"] = "10.1.0.0/16",
            ["ForwardedHeaders:KnownNetworks:1"] = "fd00::/8",
            ["ForwardedHeaders:ForwardLimit"] = "2",
        });

        var forwarded = host.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
        Assert.Equal([IPAddress.IPv6Loopback, IPAddress.Parse("10.0.0.5")], forwarded.KnownProxies);
        Assert.Equal(
            [System.Net.IPNetwork.Parse("127.0.0.0/8"), System.Net.IPNetwork.Parse("10.1.0.0/16"), System.Net.IPNetwork.Parse("fd00::/8")],
            forwarded.KnownIPNetworks);
        Assert.Equal(2, forwarded.ForwardLimit);
    }

    [Theory]
    [InlineData("ForwardedHeaders:KnownProxies:0", "proxy.internal", "not an IP address")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.0/33", "CIDR")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.1", "CIDR")]
    [InlineData("ForwardedHeaders:ForwardLimit", "0", "ForwardLimit")]
    public void A_proxy_that_is_not_an_address_or_network_stops_the_node_with_the_reason(string key, string value, string reason)
    {
        using var host = Build(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<ProxyOptions>>().Value);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddChatForwardedHeaders();
        return builder.Build();
    }
}
