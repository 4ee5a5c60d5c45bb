using System.Security.Claims;
using Chat.Contracts;
using Chat.Data;
using Chat.Hubs;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Chat.Api.Auth;

/// <summary>Issues the service's own access tokens for its users.</summary>
public sealed class TokenIssuer(IOptions<JwtOptions> options, TimeProvider clock)
{
    private readonly JsonWebTokenHandler handler = new();

    public TokenResponse Issue(ChatUser user)
    {
        var jwt = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var expires = now.AddSeconds(jwt.TokenLifetimeSeconds);
        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = expires,
            Subject = new ClaimsIdentity(
            [
                new Claim(ChatClaims.UserId, user.Id.ToString()),
                new Claim(ChatClaims.Name, user.UserName),
                new Claim(ChatClaims.Role, user.Role.ToString().ToLowerInvariant()),
                new Claim("jti", Guid.NewGuid().ToString("N")),
            ]),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(jwt.SigningKeyBytes()), SecurityAlgorithms.HmacSha256),
        });
        return new TokenResponse(token, DateTime.SpecifyKind(expires, DateTimeKind.Utc), user.Id);
    }
}
