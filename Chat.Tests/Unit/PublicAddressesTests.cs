using System.Net;
using Chat.Hubs.Outbound;

namespace Chat.Tests.Unit;

/// <summary>The one rule of where the service's own requests (webhook deliveries, pushes) may go.</summary>
public sealed class PublicAddressesTests
{
    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("93.184.216.34", true)]
    [InlineData("2606:4700:4700::1111", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.0.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("::1", false)]
    [InlineData("::", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd12:3456::1", false)]
    [InlineData("ff02::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("::ffff:8.8.8.8", true)]
    [InlineData("64:ff9b::a00:1", false)]
    [InlineData("64:ff9b::808:808", true)]
    [InlineData("2002:c0a8:101::1", false)]
    [InlineData("2001:db8::1", false)]
    public void Only_public_unicast_addresses_are_reachable(string address, bool reachable) =>
        Assert.Equal(reachable, PublicAddresses.IsPublic(IPAddress.Parse(address)));
}
