using Chat.Client;
using Chat.Contracts;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Unit;

public sealed class ChatServiceExceptionTests
{
    [Fact]
    public void A_coded_hub_refusal_gives_its_code_its_words_and_its_retry_delay()
    {
        var refused = ChatServiceException.FromHub(new HubException("rate_limited: slow mode is on retryAfterMs=1500"));

        Assert.Equal((ErrorCodes.RateLimited, "slow mode is on"), (refused.Code, refused.Message));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), refused.RetryAfter);
    }

    [Fact]
    public void A_hub_failure_without_a_contract_code_keeps_its_words_under_unavailable()
    {
        var text = "An unexpected error occurred invoking 'SendMessage' on the server.";

        var failure = ChatServiceException.FromHub(new HubException(text));

        Assert.Equal((ErrorCodes.Unavailable, text), (failure.Code, failure.Message));
        Assert.Null(failure.RetryAfter);
    }
}
