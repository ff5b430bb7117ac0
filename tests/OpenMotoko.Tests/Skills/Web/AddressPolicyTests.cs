using System.Net;
using OpenMotoko.Skills.Web;

namespace OpenMotoko.Tests.Skills.Web;

public sealed class AddressPolicyTests
{
    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("93.184.215.14")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("198.20.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2a00:1450:4001:81c::200e")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:808:808::1")]
    public void Public_addresses_are_allowed(string address)
    {
        Assert.False(AddressPolicy.IsBlocked(IPAddress.Parse(address)));
        Assert.True(new AddressPolicy([]).IsAddressAllowed(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("10.0.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.255")]
    [InlineData("198.18.0.1")]
    [InlineData("198.19.255.255")]
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("239.1.2.3")]
    [InlineData("240.0.0.1")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("::127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("fc00::1")]
    [InlineData("fdff:ffff::1")]
    [InlineData("fe80::1")]
    [InlineData("fe80::1%2")]
    [InlineData("ff02::1")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    [InlineData("64:ff9b:1::1")]
    [InlineData("2002:c0a8:101::1")]
    [InlineData("2001:db8::1")]
    public void Internal_addresses_are_blocked(string address) =>
        Assert.True(AddressPolicy.IsBlocked(IPAddress.Parse(address)));

    [Fact]
    public void The_allow_list_takes_hosts_addresses_and_networks()
    {
        var policy = new AddressPolicy(["searx.lan", "192.168.1.0/24", "10.9.8.7", "[fd00::5]"]);

        Assert.True(policy.IsHostAllowed("SEARX.lan."));
        Assert.False(policy.IsHostAllowed("other.lan"));
        Assert.True(policy.IsAddressAllowed(IPAddress.Parse("192.168.1.20")));
        Assert.True(policy.IsAddressAllowed(IPAddress.Parse("::ffff:192.168.1.20")));
        Assert.False(policy.IsAddressAllowed(IPAddress.Parse("192.168.2.20")));
        Assert.True(policy.IsAddressAllowed(IPAddress.Parse("10.9.8.7")));
        Assert.False(policy.IsAddressAllowed(IPAddress.Parse("10.9.8.8")));
        Assert.True(policy.IsAddressAllowed(IPAddress.Parse("fd00::5")));
        Assert.False(policy.IsAddressAllowed(IPAddress.Parse("127.0.0.1")));
    }
}
