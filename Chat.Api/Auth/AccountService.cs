using Chat.Contracts;
using Chat.Data;
using Chat.Hubs;
using Chat.Hubs.Errors;
using FluentValidation;
using Microsoft.AspNetCore.Identity;

namespace Chat.Api.Auth;

/// <summary>Registration, sign-in and guest accounts.</summary>
public sealed class AccountService(
    UserRepository users,
    UserSessions sessions,
    Passwords passwords,
    IValidator<RegisterRequest> registerValidator,
    IValidator<TokenRequest> tokenValidator,
    IValidator<GuestRequest> guestValidator,
    SignInThrottle throttle,
    TimeProvider clock,
    ILogger<AccountService> logger)
{
    public async Task<UserDto> RegisterAsync(RegisterRequest request, CancellationToken cancellationToken)
    {
        registerValidator.EnsureValid(request);
        var user = new ChatUser
        {
            Id = Guid.CreateVersion7(),
            UserName = request.UserName.ToLowerInvariant(),
            DisplayName = request.DisplayName.Trim(),
            Role = GlobalRole.User,
            Status = PresenceStatus.Offline,
            CreatedAt = clock.UtcNowAsStored(),
        };
        user = user with { PasswordHash = await passwords.HashAsync(request.Password, cancellationToken) };
        if (!await users.CreateAsync(user, cancellationToken))
        {
            throw new ChatException(ErrorCodes.Conflict, "that userName is taken")
            {
                Errors = new Dictionary<string, string[]> { ["userName"] = ["that userName is taken"] },
            };
        }

        return user.ToDto();
    }

    /// <summary>
    /// Signs in; unknown users and wrong passwords get the same answer, and count as failures of
    /// the account and of <paramref name="clientAddress"/> (see <see cref="SignInThrottle"/>).
    /// </summary>
    public async Task<TokenResponse> SignInAsync(TokenRequest request, string clientAddress, CancellationToken cancellationToken)
    {
        tokenValidator.EnsureValid(request);
        await throttle.BeginAsync(request.UserName, clientAddress);
        var user = await users.FindByUserNameAsync(request.UserName, cancellationToken);
        // An unknown user is checked against a dummy hash: the answer takes as long as for a wrong password.
        var verdict = await passwords.VerifyAsync(user?.PasswordHash, request.Password, cancellationToken);
        if (user is null || verdict == PasswordVerificationResult.Failed)
        {
            throw new ChatException(ErrorCodes.Unauthorized, "wrong userName or password");
        }

        await throttle.SucceededAsync(request.UserName, clientAddress);
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await UpgradeHashAsync(user, request.Password, cancellationToken);
        }

        return await sessions.StartAsync(user, cancellationToken);
    }

    /// <summary>
    /// Replaces a hash made by an older scheme or with weaker parameters, while the password is at
    /// hand. A failure leaves the old hash, which still checks, for the next sign-in.
    /// </summary>
    private async Task UpgradeHashAsync(ChatUser user, string password, CancellationToken cancellationToken)
    {
        try
        {
            await users.SetPasswordHashAsync(user.Id, await passwords.HashAsync(password, cancellationToken), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "The password hash of user {UserId} could not be upgraded; it will be at the next sign-in", user.Id);
        }
    }

    /// <summary>Creates a guest account with a generated userName and signs it in.</summary>
    public async Task<TokenResponse> GuestAsync(GuestRequest request, CancellationToken cancellationToken)
    {
        guestValidator.EnsureValid(request);
        var id = Guid.CreateVersion7();
        var user = new ChatUser
        {
            Id = id,
            // Random, so it never collides with a chosen name (those are at most 32 characters).
            UserName = $"guest-{id:N}",
            DisplayName = request.DisplayName.Trim(),
            Role = GlobalRole.Guest,
            Status = PresenceStatus.Offline,
            CreatedAt = clock.UtcNowAsStored(),
        };
        await users.CreateAsync(user, cancellationToken);
        return await sessions.StartAsync(user, cancellationToken);
    }
}
