using Chat.Hubs.Errors;

namespace Chat.Tests.Unit;

public sealed class HubErrorTextTests
{
    [Fact]
    public void A_refusal_reaches_the_client_as_code_colon_message()
    {
        var framework = "An unexpected error occurred invoking 'SendMessage' on the server. HubException: muted: you are muted";

        Assert.Equal("muted: you are muted", CodedErrorHubProtocol.Recode(framework));
    }

    [Fact]
    public void A_message_that_itself_mentions_HubException_is_cut_at_the_first_marker_only()
    {
        var framework = "An unexpected error occurred invoking 'X' on the server. HubException: invalid: HubException: in text";

        Assert.Equal("invalid: HubException: in text", CodedErrorHubProtocol.Recode(framework));
    }

    [Fact]
    public void Arguments_the_framework_cannot_bind_become_invalid()
    {
        var recoded = CodedErrorHubProtocol.Recode("Failed to invoke 'JoinRoom' due to an error on the server.");

        Assert.StartsWith("invalid: ", recoded);
    }

    [Fact]
    public void An_unexpected_failure_keeps_the_frameworks_words()
    {
        var framework = "An unexpected error occurred invoking 'SendMessage' on the server.";

        Assert.Equal(framework, CodedErrorHubProtocol.Recode(framework));
    }
}
