using System.Security.Claims;
using System.Security.Cryptography;
using Chat.Api.Auth;
using Chat.Contracts;
using Chat.Data;
using Chat.Hubs;
using Chat.Hubs.Errors;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Chat.Tests.Unit;

public sealed class CallerPrincipalTests
{
    private static readonly JwtOptions Jwt = new() { SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };

    [Fact]
    public async Task The_kept_principal_still_says_who_calls_their_name_and_role()
    {
        var user = new ChatUser { Id = Guid.CreateVersion7(), UserName = "alice", Role = GlobalRole.Admin };

        var kept = CallerPrincipal.Keep(await ValidatedAsync(user));

        Assert.IsType<CallerPrincipal>(kept);
        Assert.True(kept.Identity!.IsAuthenticated);
        Assert.Equal(user.Id, Caller.Of(kept).UserId);
        Assert.Equal("alice", kept.Identity.Name);
        Assert.Equal(GlobalRole.Admin, Caller.Of(kept).Role);
        Assert.True(kept.IsInRole("admin"));
    }

    [Fact]
    public async Task The_kept_principal_holds_no_token_and_no_registered_claims()
    {
        var validated = await ValidatedAsync(new ChatUser { Id = Guid.CreateVersion7(), UserName = "bob", Role = GlobalRole.User });
        Assert.NotNull(((CaseSensitiveClaimsIdentity)validated.Identity!).SecurityToken);

        var kept = CallerPrincipal.Keep(validated);

        Assert.IsNotType<CaseSensitiveClaimsIdentity>(kept.Identity);
        Assert.Equal(
            [ChatClaims.Name, ChatClaims.Role, ChatClaims.UserId],
            kept.Claims.Select(c => c.Type).Order());
        Assert.All(kept.Claims, claim => Assert.Empty(claim.Properties));
    }

    [Fact]
    public void A_principal_that_names_no_user_is_still_refused_where_a_user_is_needed()
    {
        var validated = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ChatClaims.Name, "nobody")], "Bearer", ChatClaims.Name, ChatClaims.Role));

        var kept = CallerPrincipal.Keep(validated);

        Assert.IsNotType<CallerPrincipal>(kept);
        Assert.Equal("nobody", kept.Identity!.Name);
        Assert.Equal(ErrorCodes.Unauthorized, Assert.Throws<ChatException>(() => Caller.Of(kept)).Code);
    }

    private static async Task<ClaimsPrincipal> ValidatedAsync(ChatUser user)
    {
        var token = new TokenIssuer(Options.Create(Jwt), TimeProvider.System).Issue(user).AccessToken;
        var result = await new JsonWebTokenHandler { MapInboundClaims = false }.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Jwt.Issuer,
            ValidAudience = Jwt.Audience,
            IssuerSigningKey = new SymmetricSecurityKey(Jwt.SigningKeyBytes()),
            NameClaimType = ChatClaims.Name,
            RoleClaimType = ChatClaims.Role,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        return new ClaimsPrincipal(result.ClaimsIdentity);
    }
}
