using System.Security.Cryptography;
using System.Text;
using Chat.Contracts;
using Chat.Data;
using Chat.Hubs;
using Chat.Hubs.Errors;
using Microsoft.Extensions.Options;

namespace Chat.Api.Auth;

/// <summary>
/// Issues tokens with the global role <c>service</c> to the clients named in configuration. Each
/// client acts as a user <c>service-{name}</c>, created on its first sign-in.
/// </summary>
public sealed class ServiceAccountService(
    IOptionsMonitor<ServiceClientOptions> options,
    UserRepository users,
    TokenIssuer tokens,
    SignInThrottle throttle,
    TimeProvider clock)
{
    public const string UserNamePrefix = "service-";

    /// <summary>
    /// Signs a service client in; unknown names and wrong secrets get the same answer, and count
    /// as failed sign-ins like a person's.
    /// </summary>
    public async Task<TokenResponse> SignInAsync(ServiceTokenRequest request, string clientAddress, CancellationToken cancellationToken)
    {
        var account = UserNamePrefix + request.Name;
        await throttle.BeginAsync(account, clientAddress);
        var client = Verify(request.Name, request.Secret)
            ?? throw new ChatException(ErrorCodes.Unauthorized, "unknown service or wrong secret");
        await throttle.SucceededAsync(account, clientAddress);
        var userName = (UserNamePrefix + client.Name).ToLowerInvariant();
        await users.CreateAsync(
            new ChatUser
            {
                Id = Guid.CreateVersion7(),
                UserName = userName,
                DisplayName = client.Name,
                Role = GlobalRole.Service,
                Status = PresenceStatus.Offline,
                CreatedAt = clock.UtcNowAsStored(),
            },
            cancellationToken);
        var user = await users.FindByUserNameAsync(userName, cancellationToken)
            ?? throw new ChatException(ErrorCodes.Unavailable, "the service account could not be stored");

        // Registration keeps the prefix free, but an account made before that rule must never
        // turn into a service's identity.
        return user.Role == GlobalRole.Service
            ? tokens.Issue(user)
            : throw new ChatException(ErrorCodes.Conflict, $"the userName {userName} belongs to another account");
    }

    /// <summary>
    /// The configured client with this name and secret, or null. Every client's secret is
    /// compared, in constant time over fixed-length hashes, so the answer's timing tells neither
    /// which names exist nor how much of a secret was right.
    /// </summary>
    private ServiceClient? Verify(string? name, string? secret)
    {
        var offered = SHA256.HashData(Encoding.UTF8.GetBytes(secret ?? ""));
        ServiceClient? match = null;
        foreach (var client in options.CurrentValue.Clients)
        {
            var expected = SHA256.HashData(Encoding.UTF8.GetBytes(client.Secret));
            var secretMatches = CryptographicOperations.FixedTimeEquals(offered, expected);
            if (secretMatches && client.Secret.Length > 0 && string.Equals(client.Name, name, StringComparison.Ordinal))
            {
                match = client;
            }
        }

        return match;
    }
}
