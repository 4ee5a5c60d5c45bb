using System.Net;
using System.Net.Http.Json;
using Chat.Contracts;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Integration;

/// <summary>
/// Password guessing, registration and guest creation, throttled per account and per client
/// address across two nodes on Redis. Each test speaks from addresses of its own, named through
/// <c>X-Forwarded-For</c> (the nodes trust loopback as a proxy), and moves the shared fake clock
/// to show a budget refilling.
/// </summary>
public sealed class SignInThrottleTests(ThrottledClusterFixture fixture) : IClassFixture<ThrottledClusterFixture>
{
    private const string Password = "correct horse battery";
    private static int nextAddress;

    [Fact]
    public async Task Wrong_passwords_from_one_address_lock_it_out_of_the_account_on_every_node_but_not_the_owner_elsewhere()
    {
        var (attacker, owner) = (NewAddress(), NewAddress());
        var alice = await RegisterAsync(fixture.NodeA, NewAddress());

        for (var i = 0; i < ThrottledClusterFixture.SignInFailuresPerAddress; i++)
        {
            var node = i % 2 == 0 ? fixture.NodeA : fixture.NodeB;
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(node, attacker, alice, "wrong password")).StatusCode);
        }

        // Even the right password is refused from there, on the other node too: a guesser learns nothing.
        using var locked = await SignInAsync(fixture.NodeB, attacker, alice, Password);
        await ProblemAssert.HasCodeAsync(locked, HttpStatusCode.TooManyRequests, ErrorCodes.RateLimited);
        var retryAfter = RetryAfterOf(locked);
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(600));

        using var elsewhere = await SignInAsync(fixture.NodeA, owner, alice, Password);
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);

        fixture.Clock.Advance(retryAfter);
        using var later = await SignInAsync(fixture.NodeB, attacker, alice, Password);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }

    [Fact]
    public async Task Guessing_from_many_addresses_locks_the_account_only_until_its_budget_refills()
    {
        var bob = await RegisterAsync(fixture.NodeA, NewAddress());
        for (var i = 0; i < ThrottledClusterFixture.SignInFailuresPerAccount; i++)
        {
            var node = i % 2 == 0 ? fixture.NodeA : fixture.NodeB;
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(node, NewAddress(), bob, "wrong password")).StatusCode);
        }

        var owner = NewAddress();
        using var locked = await SignInAsync(fixture.NodeA, owner, bob, Password);
        await ProblemAssert.HasCodeAsync(locked, HttpStatusCode.TooManyRequests, ErrorCodes.RateLimited);
        // One failure comes back every window / budget: 600 s / 6.
        var retryAfter = RetryAfterOf(locked);
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(100));

        fixture.Clock.Advance(retryAfter);
        using var signedIn = await SignInAsync(fixture.NodeB, owner, bob, Password);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
    }

    [Fact]
    public async Task Unknown_accounts_count_like_real_ones_so_the_answers_tell_them_apart_no_better()
    {
        var address = NewAddress();
        var carol = await RegisterAsync(fixture.NodeA, NewAddress());
        var nobody = carol with { UserName = $"nobody_{Guid.NewGuid():N}"[..20] };

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i <= ThrottledClusterFixture.SignInFailuresPerAddress; i++)
        {
            answers.Add((await SignInAsync(fixture.NodeB, address, nobody, Password)).StatusCode);
        }

        using var real = await SignInAsync(fixture.NodeA, address, carol, Password);

        Assert.Equal(
            [HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests],
            answers);
        Assert.Equal(HttpStatusCode.TooManyRequests, real.StatusCode);
    }

    [Fact]
    public async Task Right_passwords_cost_nothing_however_often_they_come()
    {
        var address = NewAddress();
        var dave = await RegisterAsync(fixture.NodeA, NewAddress());

        for (var i = 0; i < 3 * ThrottledClusterFixture.SignInFailuresPerAddress; i++)
        {
            using var signedIn = await SignInAsync(i % 2 == 0 ? fixture.NodeA : fixture.NodeB, address, dave, Password);
            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        }

        using var wrong = await SignInAsync(fixture.NodeA, address, dave, "wrong password");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    [Fact]
    public async Task Registrations_and_guests_are_counted_per_address_across_nodes()
    {
        var (crowded, other) = (NewAddress(), NewAddress());
        for (var i = 0; i < ThrottledClusterFixture.PerAddress; i++)
        {
            var node = i % 2 == 0 ? fixture.NodeA : fixture.NodeB;
            using var registered = await PostAsync(node, crowded, ApiRoutes.Register, NewAccount());
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
            using var guest = await PostAsync(node, crowded, ApiRoutes.Guest, new GuestRequest("guest"));
            Assert.Equal(HttpStatusCode.OK, guest.StatusCode);
        }

        using var oneMore = await PostAsync(fixture.NodeB, crowded, ApiRoutes.Register, NewAccount());
        using var oneMoreGuest = await PostAsync(fixture.NodeA, crowded, ApiRoutes.Guest, new GuestRequest("guest"));
        using var fromElsewhere = await PostAsync(fixture.NodeB, other, ApiRoutes.Register, NewAccount());
        using var guestFromElsewhere = await PostAsync(fixture.NodeA, other, ApiRoutes.Guest, new GuestRequest("guest"));

        await ProblemAssert.HasCodeAsync(oneMore, HttpStatusCode.TooManyRequests, ErrorCodes.RateLimited);
        await ProblemAssert.HasCodeAsync(oneMoreGuest, HttpStatusCode.TooManyRequests, ErrorCodes.RateLimited);
        Assert.InRange(RetryAfterOf(oneMore), TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.Created, fromElsewhere.StatusCode);
        Assert.Equal(HttpStatusCode.OK, guestFromElsewhere.StatusCode);
    }

    [Fact]
    public async Task An_ipv6_client_is_counted_by_its_64_network_not_by_each_address_in_it()
    {
        var network = $"2001:db8:{Interlocked.Increment(ref nextAddress):x}";
        for (var i = 1; i <= ThrottledClusterFixture.PerAddress; i++)
        {
            using var registered = await PostAsync(fixture.NodeA, $"{network}::{i:x}", ApiRoutes.Register, NewAccount());
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }

        using var sameNetwork = await PostAsync(fixture.NodeB, $"{network}::ffff:1", ApiRoutes.Register, NewAccount());
        using var nextNetwork = await PostAsync(fixture.NodeB, $"{network}:1::1", ApiRoutes.Register, NewAccount());

        Assert.Equal(HttpStatusCode.TooManyRequests, sameNetwork.StatusCode);
        Assert.Equal(HttpStatusCode.Created, nextNetwork.StatusCode);
    }

    [Fact]
    public async Task Refreshes_with_bad_tokens_use_up_the_address_like_wrong_passwords_and_a_good_refresh_costs_nothing()
    {
        var (guesser, user) = (NewAddress(), NewAddress());
        var account = await RegisterAsync(fixture.NodeA, user);
        using var signedIn = await SignInAsync(fixture.NodeA, user, account, Password);
        var tokens = (await signedIn.Content.ReadFromJsonAsync<TokenResponse>(Json.Options))!;

        // Renewing, again and again, is no failure.
        for (var i = 0; i < ThrottledClusterFixture.SignInFailuresPerAddress + 1; i++)
        {
            using var renewed = await PostAsync(fixture.NodeB, user, ApiRoutes.Refresh, new RefreshRequest(tokens.RefreshToken));
            Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
            tokens = (await renewed.Content.ReadFromJsonAsync<TokenResponse>(Json.Options))!;
        }

        for (var i = 0; i < ThrottledClusterFixture.SignInFailuresPerAddress; i++)
        {
            var node = i % 2 == 0 ? fixture.NodeA : fixture.NodeB;
            using var refused = await PostAsync(node, guesser, ApiRoutes.Refresh, new RefreshRequest($"guess-{i}-{Guid.NewGuid():N}"));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // Spent: from there even a sign-in with the right password waits.
        using var locked = await SignInAsync(fixture.NodeB, guesser, account, Password);
        await ProblemAssert.HasCodeAsync(locked, HttpStatusCode.TooManyRequests, ErrorCodes.RateLimited);
        using var stillFine = await PostAsync(fixture.NodeA, user, ApiRoutes.Refresh, new RefreshRequest(tokens.RefreshToken));
        Assert.Equal(HttpStatusCode.OK, stillFine.StatusCode);
    }

    private static string NewAddress()
    {
        var n = Interlocked.Increment(ref nextAddress);
        return $"198.18.{n / 256}.{n % 256}";
    }

    private static RegisterRequest NewAccount() => new($"user_{Guid.NewGuid():N}"[..20], Password, "someone");

    private static async Task<RegisterRequest> RegisterAsync(ChatNode node, string address)
    {
        var account = NewAccount();
        using var registered = await PostAsync(node, address, ApiRoutes.Register, account);
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        return account;
    }

    private static Task<HttpResponseMessage> SignInAsync(ChatNode node, string address, RegisterRequest account, string password) =>
        PostAsync(node, address, ApiRoutes.Token, new TokenRequest(account.UserName, password));

    private static async Task<HttpResponseMessage> PostAsync<T>(ChatNode node, string address, string route, T body)
    {
        using var http = node.Http();
        using var request = new HttpRequestMessage(HttpMethod.Post, route) { Content = JsonContent.Create(body, options: Json.Options) };
        request.Headers.Add("X-Forwarded-For", address);
        return await http.SendAsync(request);
    }

    private static TimeSpan RetryAfterOf(HttpResponseMessage response) =>
        response.Headers.RetryAfter?.Delta ?? throw new Xunit.Sdk.XunitException("a 429 without Retry-After");
}
