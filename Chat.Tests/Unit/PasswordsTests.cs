using Chat.Api.Auth;
using Chat.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Chat.Tests.Unit;

public sealed class PasswordsTests
{
    private static readonly Passwords Current = new(Options.Create(new PasswordHashingOptions()));

    [Fact]
    public async Task A_hash_is_argon2id_in_the_phc_format_with_its_parameters_and_a_salt_of_its_own()
    {
        var first = await Current.HashAsync("correct horse", default);
        var second = await Current.HashAsync("correct horse", default);

        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", first, StringComparison.Ordinal);
        Assert.Equal(6, first.Split('$').Length);
        Assert.NotEqual(first, second);
        Assert.DoesNotContain("correct horse", first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_right_password_checks_and_a_wrong_one_does_not()
    {
        var hash = await Current.HashAsync("correct horse", default);

        Assert.Equal(PasswordVerificationResult.Success, await Current.VerifyAsync(hash, "correct horse", default));
        Assert.Equal(PasswordVerificationResult.Failed, await Current.VerifyAsync(hash, "correct horsE", default));
        Assert.Equal(PasswordVerificationResult.Failed, await Current.VerifyAsync(null, "correct horse", default));
    }

    [Fact]
    public async Task A_hash_of_an_older_build_or_weaker_parameters_checks_and_asks_to_be_replaced()
    {
        var pbkdf2 = new PasswordHasher<ChatUser>().HashPassword(null!, "correct horse");
        var weaker = await new Passwords(Options.Create(new PasswordHashingOptions { MemoryKiB = 19 * 1024, Iterations = 2 })).HashAsync("correct horse", default);
        var stronger = new Passwords(Options.Create(new PasswordHashingOptions { Iterations = 3 }));

        Assert.Equal(PasswordVerificationResult.SuccessRehashNeeded, await Current.VerifyAsync(pbkdf2, "correct horse", default));
        Assert.Equal(PasswordVerificationResult.Failed, await Current.VerifyAsync(pbkdf2, "wrong horse", default));
        Assert.Equal(PasswordVerificationResult.SuccessRehashNeeded, await stronger.VerifyAsync(weaker, "correct horse", default));
    }

    [Theory]
    [InlineData("")]
    [InlineData("$argon2id$")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1$$")]
    [InlineData("$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")]
    [InlineData("$argon2id$v=19$m=99999999,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")]
    [InlineData("$argon2id$v=19$m=19456,t=1000000,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")]
    [InlineData("not base64 at all!")]
    public async Task A_stored_hash_that_is_no_hash_of_ours_fails_without_an_exception_or_a_huge_cost(string stored)
    {
        Assert.Equal(PasswordVerificationResult.Failed, await Current.VerifyAsync(stored, "correct horse", default));
    }
}
