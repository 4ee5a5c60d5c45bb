using System.Net;
using System.Net.Sockets;
using Chat.Contracts;
using Chat.Hubs.Outbound;
using FluentValidation;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Webhooks;

/// <summary>The rules of a webhook's URL at registration (its address is checked again at every connection).</summary>
public static class WebhookUrls
{
    public const int MaxLength = 2048;

    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(3);

    /// <summary>What is wrong with <paramref name="url"/> without asking DNS; null when nothing is.</summary>
    public static string? Problem(string? url, WebhookOptions options)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return "url is required";
        }

        if (url.Length > MaxLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return $"url must be an absolute URL of at most {MaxLength} characters";
        }

        if (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && options.AllowHttp))
        {
            return options.AllowHttp ? "url must use http or https" : "url must use https";
        }

        if (uri.UserInfo.Length > 0)
        {
            return "url must not carry a user name or password";
        }

        if (!options.AllowPrivateNetworks && PublicAddresses.NamesNonPublicHost(uri))
        {
            return PrivateAddress;
        }

        return null;
    }

    /// <summary>
    /// Whether the host of a URL that passed <see cref="Problem"/> resolves only to addresses
    /// webhooks may not reach. A name that does not resolve now passes: the check at each
    /// connection decides then.
    /// </summary>
    public static async Task<bool> ResolvesOnlyToPrivateAsync(string url, WebhookOptions options, CancellationToken cancellationToken)
    {
        var host = new Uri(url).IdnHost;
        if (options.AllowPrivateNetworks || IPAddress.TryParse(host.Trim('[', ']'), out _))
        {
            return false;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ResolveTimeout);
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, timeout.Token);
            return addresses.Length > 0 && !addresses.Any(PublicAddresses.IsPublic);
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    public const string PrivateAddress = "url must not point at a loopback, private or link-local address";
}

/// <summary>A new webhook names a URL the rules allow and one or more known event types.</summary>
public sealed class CreateWebhookRequestValidator : AbstractValidator<CreateWebhookRequest>
{
    public CreateWebhookRequestValidator(IOptions<WebhookOptions> options)
    {
        var settings = options.Value;
        RuleFor(r => r.Url).Custom((url, context) =>
        {
            if (WebhookUrls.Problem(url, settings) is { } problem)
            {
                context.AddFailure(problem);
            }
        });
        RuleFor(r => r.Events).Must(events => events is { Count: > 0 })
            .WithMessage("events must name at least one event type")
            .Must(events => events is null || events.All(e => WebhookEventTypes.All.Contains(e)))
            .WithMessage(r => $"events may only name {string.Join(", ", WebhookEventTypes.All)}; unknown: "
                + string.Join(", ", (r.Events ?? []).Where(e => !WebhookEventTypes.All.Contains(e))));
    }
}
