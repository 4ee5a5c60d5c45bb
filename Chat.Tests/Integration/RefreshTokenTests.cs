using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Chat.Contracts;
using Chat.Hubs;
using Chat.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Chat.Tests.Integration;

/// <summary>
/// Sign-ins that renew: a refresh token replaced at each use, a replaced one presented again
/// revoking the whole sign-in, sign-out, roles read afresh, and every way a refresh token can be
/// wrong answered with 401, never more.
/// </summary>
public sealed class RefreshTokenTests(SessionsNodeFixture fixture) : IClassFixture<SessionsNodeFixture>
{
    private const string Password = "correct horse battery";

    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task Signing_in_gives_a_refresh_token_that_renews_the_access_token_and_is_replaced_by_a_new_one()
    {
        var (user, first) = await SignUpAsync("renewing");
        using var http = Node.Http();

        var renewed = await RefreshAsync(http, first.RefreshToken);

        Assert.NotNull(first.RefreshToken);
        Assert.InRange(first.RefreshExpiresAt!.Value, DateTime.UtcNow.AddDays(29), DateTime.UtcNow.AddDays(31));
        Assert.Equal(user.Id, renewed.UserId);
        Assert.NotEqual(first.RefreshToken, renewed.RefreshToken);
        Assert.NotEqual(first.AccessToken, renewed.AccessToken);
        using var authed = Node.Http(renewed.AccessToken);
        Assert.Equal(user.Id, (await authed.MeAsync()).Id);
        // And the new refresh token renews in its turn.
        Assert.Equal(user.Id, (await RefreshAsync(http, renewed.RefreshToken)).UserId);
    }

    [Fact]
    public async Task A_replaced_refresh_token_presented_again_revokes_the_whole_sign_in()
    {
        var (_, first) = await SignUpAsync("stolen");
        using var http = Node.Http();
        var renewed = await RefreshAsync(http, first.RefreshToken);

        // Someone replays the copy they took before the user renewed.
        var replay = await http.PostAsJsonAsync(ApiRoutes.Refresh, new RefreshRequest(first.RefreshToken), Json.Options);
        // Neither the thief nor the user can tell which of them holds the copy: both must sign in again.
        var usersNext = await http.PostAsJsonAsync(ApiRoutes.Refresh, new RefreshRequest(renewed.RefreshToken), Json.Options);

        await ProblemAssert.HasCodeAsync(replay, HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized);
        await ProblemAssert.HasCodeAsync(usersNext, HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized);
    }

    [Fact]
    public async Task A_sign_in_elsewhere_survives_when_another_is_revoked()
    {
        var (user, phone) = await SignUpAsync("two devices");
        using var http = Node.Http();
        var laptop = await SignInAsync(http, user.UserName);
        await RefreshAsync(http, phone.RefreshToken);

        var replay = await http.PostAsJsonAsync(ApiRoutes.Refresh, new RefreshRequest(phone.RefreshToken), Json.Options);

        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Equal(user.Id, (await RefreshAsync(http, laptop.RefreshToken)).UserId);
    }

    [Fact]
    public async Task Signing_out_revokes_the_refresh_token_and_an_unknown_one_is_answered_the_same()
    {
        var (_, tokens) = await SignUpAsync("leaving");
        using var http = Node.Http();

        var signedOut = await http.PostAsJsonAsync(ApiRoutes.Logout, new RefreshRequest(tokens.RefreshToken), Json.Options);
        var unknown = await http.PostAsJsonAsync(ApiRoutes.Logout, new RefreshRequest(Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32))), Json.Options);
        var after = await http.PostAsJsonAsync(ApiRoutes.Refresh, new RefreshRequest(tokens.RefreshToken), Json.Options);

        Assert.Equal(HttpStatusCode.NoContent, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, unknown.StatusCode);
        await ProblemAssert.HasCodeAsync(after, HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized);
    }

    [Fact]
    public async Task A_role_given_after_signing_in_is_in_the_next_refreshed_token()
    {
        var (user, tokens) = await SignUpAsync("promoted");
        using var http = Node.Http();
        using (var before = Node.Http(tokens.AccessToken))
        {
            await before.GetAsync(ApiRoutes.Activity).ExpectAsync(HttpStatusCode.Forbidden);
        }

        await fixture.ExecuteAsync("update users set role = 'admin' where id = @id", ("id", user.Id));
        var renewed = await RefreshAsync(http, tokens.RefreshToken);

        Assert.Equal("admin", new JsonWebTokenHandler().ReadJsonWebToken(renewed.AccessToken).GetClaim(ChatClaims.Role).Value);
        using var after = Node.Http(renewed.AccessToken);
        await after.GetAsync(ApiRoutes.Activity).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Guests_get_a_refresh_token_too()
    {
        using var http = Node.Http();
        using var response = await http.PostAsJsonAsync(ApiRoutes.Guest, new GuestRequest("visitor"), Json.Options);
        var guest = (await response.Content.ReadFromJsonAsync<TokenResponse>(Json.Options))!;

        Assert.Equal(guest.UserId, (await RefreshAsync(http, guest.RefreshToken)).UserId);
    }

    [Fact]
    public async Task Signing_out_everywhere_and_an_administrator_revoking_end_every_sign_in()
    {
        var (alice, alicePhone) = await SignUpAsync("alice");
        using var http = Node.Http();
        var aliceLaptop = await SignInAsync(http, alice.UserName);
        var (bob, bobTokens) = await SignUpAsync("bob");
        var (admin, _) = await SignUpAsync("admin");
        await fixture.ExecuteAsync("update users set role = 'admin' where id = @id", ("id", admin.Id));
        var adminTokens = await SignInAsync(http, admin.UserName);

        using (var asAlice = Node.Http(alicePhone.AccessToken))
        {
            // Alice may not sign Bob out, only herself.
            await ProblemAssert.HasCodeAsync(await asAlice.DeleteAsync(ApiRoutes.UserSessions(bob.Id)), HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
            await asAlice.DeleteAsync(ApiRoutes.MySessions).ExpectAsync(HttpStatusCode.NoContent);
        }

        using (var asAdmin = Node.Http(adminTokens.AccessToken))
        {
            await asAdmin.DeleteAsync(ApiRoutes.UserSessions(bob.Id)).ExpectAsync(HttpStatusCode.NoContent);
        }

        foreach (var revoked in new[] { alicePhone, aliceLaptop, bobTokens })
        {
            var refused = await http.PostAsJsonAsync(ApiRoutes.Refresh, new RefreshRequest(revoked.RefreshToken), Json.Options);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        Assert.Equal(admin.Id, (await RefreshAsync(http, adminTokens.RefreshToken)).UserId);
    }

    [Fact]
    public async Task An_expired_refresh_token_or_one_whose_user_is_gone_renews_nothing()
    {
        var (_, expiring) = await SignUpAsync("expiring");
        var (gone, goneTokens) = await SignUpAsync("gone");
        using var http = Node.Http();

        await fixture.ExecuteAsync(
            "update refresh_tokens set expires_at = now() - interval '1 second' where token_hash = @hash", ("hash", HashOf(expiring.RefreshToken!)));
        await fixture.ExecuteAsync("delete from users where id = @id", ("id", gone.Id));

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync(ApiRoutes.Refresh, new RefreshRequest(expiring.RefreshToken), Json.Options)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync(ApiRoutes.Refresh, new RefreshRequest(goneTokens.RefreshToken), Json.Options)).StatusCode);
        Assert.Equal(0L, await fixture.ScalarAsync<long>("select count(*) from refresh_tokens where user_id = @id", ("id", gone.Id)));
    }

    [Fact]
    public async Task Only_a_hash_of_a_refresh_token_is_stored()
    {
        var (user, tokens) = await SignUpAsync("hashed");
        var raw = Base64Url.DecodeFromChars(tokens.RefreshToken);

        var stored = await fixture.ScalarAsync<byte[]>("select token_hash from refresh_tokens where user_id = @id", ("id", user.Id));

        Assert.Equal(SHA256.HashData(raw), stored);
        Assert.NotEqual(raw, stored);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not a token")]
    [InlineData("AAAA")]
    [InlineData("bad\u0000token")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl")]
    public async Task A_malformed_refresh_token_is_unauthorized(string? refreshToken)
    {
        using var http = Node.Http();

        var refused = await http.PostAsJsonAsync(ApiRoutes.Refresh, new RefreshRequest(refreshToken), Json.Options);
        var signOut = await http.PostAsJsonAsync(ApiRoutes.Logout, new RefreshRequest(refreshToken), Json.Options);

        await ProblemAssert.HasCodeAsync(refused, HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized);
        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
    }

    [Fact]
    public async Task A_huge_refresh_token_is_unauthorized()
    {
        using var http = Node.Http();

        var refused = await http.PostAsJsonAsync(ApiRoutes.Refresh, new RefreshRequest(new string('A', 100_000)), Json.Options);

        await ProblemAssert.HasCodeAsync(refused, HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized);
    }

    private async Task<(UserDto User, TokenResponse Tokens)> SignUpAsync(string name)
    {
        using var http = Node.Http();
        var userName = $"{name.Replace(' ', '_')}_{Guid.NewGuid():N}"[..24];
        var register = await http.PostAsJsonAsync(ApiRoutes.Register, new RegisterRequest(userName, Password, name), Json.Options);
        register.EnsureSuccessStatusCode();
        var user = (await register.Content.ReadFromJsonAsync<UserDto>(Json.Options))!;
        return (user, await SignInAsync(http, userName));
    }

    private static async Task<TokenResponse> SignInAsync(HttpClient http, string userName)
    {
        using var response = await http.PostAsJsonAsync(ApiRoutes.Token, new TokenRequest(userName, Password), Json.Options);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TokenResponse>(Json.Options))!;
    }

    private static async Task<TokenResponse> RefreshAsync(HttpClient http, string? refreshToken)
    {
        using var response = await http.PostAsJsonAsync(ApiRoutes.Refresh, new RefreshRequest(refreshToken), Json.Options);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var renewed = (await response.Content.ReadFromJsonAsync<TokenResponse>(Json.Options))!;
        Assert.NotNull(renewed.RefreshToken);
        return renewed;
    }

    private static byte[] HashOf(string refreshToken) => SHA256.HashData(Base64Url.DecodeFromChars(refreshToken));
}
