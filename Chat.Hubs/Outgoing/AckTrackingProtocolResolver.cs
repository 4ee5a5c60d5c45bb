using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Chat.Hubs.Outgoing;

/// <summary>
/// Resolves a connection's protocol as SignalR's own resolver does (by name, among those the hub
/// supports), wrapped in an <see cref="AckTrackingProtocol"/> of the connection's own. Everything
/// that serializes for many connections (a group send, the Redis backplane) keeps using the
/// shared protocols, by name, so a message is still serialized once per protocol.
/// </summary>
internal sealed class AckTrackingProtocolResolver : IHubProtocolResolver
{
    private readonly Dictionary<string, IHubProtocol> byName = new(StringComparer.OrdinalIgnoreCase);

    public AckTrackingProtocolResolver(IEnumerable<IHubProtocol> protocols)
    {
        // The last one registered under a name wins, as with SignalR's resolver.
        foreach (var protocol in protocols)
        {
            byName[protocol.Name] = protocol;
        }

        AllProtocols = [.. byName.Values];
    }

    public IReadOnlyList<IHubProtocol> AllProtocols { get; }

    public IHubProtocol? GetProtocol(string protocolName, IReadOnlyList<string>? supportedProtocols)
    {
        if (supportedProtocols is not null && !supportedProtocols.Contains(protocolName, StringComparer.OrdinalIgnoreCase))
        {
            return null;
        }

        return byName.TryGetValue(protocolName, out var protocol) ? new AckTrackingProtocol(protocol) : null;
    }
}
