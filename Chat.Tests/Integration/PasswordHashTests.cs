using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Chat.Contracts;
using Chat.Data;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace Chat.Tests.Integration;

/// <summary>
/// Passwords as sign-in sees them: a hash of the older PBKDF2 scheme is replaced by Argon2id at the
/// next sign-in, and an unknown user name takes as long to refuse as a wrong password.
/// </summary>
public sealed class PasswordHashTests(SessionsNodeFixture fixture) : IClassFixture<SessionsNodeFixture>
{
    private const string Password = "correct horse battery";

    private ChatNode Node => fixture.Node;

    [Fact]
    public async Task A_pbkdf2_hash_is_upgraded_to_argon2id_at_the_next_sign_in_and_still_signs_in()
    {
        var user = await TestUser.RegisterAsync(Node, "older");
        await fixture.ExecuteAsync(
            "update users set password_hash = @hash where id = @id",
            ("hash", new PasswordHasher<ChatUser>().HashPassword(null!, Password)), ("id", user.Id));
        using var http = Node.Http();

        await http.PostAsJsonAsync(ApiRoutes.Token, new TokenRequest(user.Profile.UserName, Password)).ExpectAsync(HttpStatusCode.OK);
        var upgraded = await fixture.ScalarAsync<string>("select password_hash from users where id = @id", ("id", user.Id));

        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", upgraded, StringComparison.Ordinal);
        await http.PostAsJsonAsync(ApiRoutes.Token, new TokenRequest(user.Profile.UserName, Password)).ExpectAsync(HttpStatusCode.OK);
        await http.PostAsJsonAsync(ApiRoutes.Token, new TokenRequest(user.Profile.UserName, "wrong password")).ExpectAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(upgraded, await fixture.ScalarAsync<string>("select password_hash from users where id = @id", ("id", user.Id)));
    }

    [Fact]
    public async Task An_unknown_user_name_takes_as_long_to_refuse_as_a_wrong_password()
    {
        var user = await TestUser.RegisterAsync(Node, "timed");
        using var http = Node.Http();
        // Warm both paths first: the dummy hash is made on the first unknown name.
        await SignInTimeAsync(http, user.Profile.UserName, "wrong password");
        await SignInTimeAsync(http, "nobody_" + Guid.NewGuid().ToString("N")[..8], "wrong password");

        var wrong = new List<double>();
        var unknown = new List<double>();
        for (var i = 0; i < 12; i++)
        {
            wrong.Add(await SignInTimeAsync(http, user.Profile.UserName, "wrong password"));
            unknown.Add(await SignInTimeAsync(http, "nobody_" + Guid.NewGuid().ToString("N")[..8], "wrong password"));
        }

        // Without the dummy hash an unknown name is answered some forty times sooner; the noise of
        // a shared machine stays well inside this band.
        var ratio = Median(unknown) / Median(wrong);
        Assert.InRange(ratio, 0.5, 2.0);
    }

    private static async Task<double> SignInTimeAsync(HttpClient http, string userName, string password)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.PostAsJsonAsync(ApiRoutes.Token, new TokenRequest(userName, password));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return (sorted[(sorted.Count - 1) / 2] + sorted[sorted.Count / 2]) / 2;
    }
}
