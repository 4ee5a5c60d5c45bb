using System.Security.Claims;
using Chat.Hubs;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Chat.Tests.Infrastructure;

/// <summary>Access tokens a test signs itself, valid from <c>issuedAt</c> to <c>expires</c>: by default as the nodes' own issuer would sign them.</summary>
public static class TestTokens
{
    public static string Sign(
        Guid userId, DateTime issuedAt, DateTime expires, byte[]? key = null, string issuer = "chat", string audience = "chat", string? role = null)
    {
        var claims = new List<Claim> { new(ChatClaims.UserId, userId.ToString()) };
        if (role is not null)
        {
            claims.Add(new Claim(ChatClaims.Role, role));
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = issuedAt,
            IssuedAt = issuedAt,
            Expires = expires,
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(key ?? Convert.FromBase64String(TestServers.SigningKey)), SecurityAlgorithms.HmacSha256),
        });
    }
}
