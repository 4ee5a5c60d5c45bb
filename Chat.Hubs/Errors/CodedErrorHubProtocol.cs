using System.Buffers;
using Chat.Contracts;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Chat.Hubs.Errors;

/// <summary>
/// Wraps a hub protocol so that a failed invocation's error reads "code: message", as the wire
/// contract promises. SignalR itself prefixes a <see cref="HubException"/>'s message with
/// "An unexpected error occurred invoking 'X' on the server. HubException: ", and answers an
/// argument it cannot bind with a bare "Failed to invoke 'X'…", which here becomes <c>invalid</c>.
/// </summary>
internal sealed class CodedErrorHubProtocol(IHubProtocol inner) : IHubProtocol
{
    private const string HubExceptionMarker = " HubException: ";
    private const string UnexpectedPrefix = "An unexpected error occurred invoking '";
    private const string BindingFailurePrefix = "Failed to invoke '";

    public string Name => inner.Name;

    public int Version => inner.Version;

    public TransferFormat TransferFormat => inner.TransferFormat;

    public bool IsVersionSupported(int version) => inner.IsVersionSupported(version);

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HubMessage? message) =>
        inner.TryParseMessage(ref input, binder, out message);

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => inner.WriteMessage(Recode(message), output);

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => inner.GetMessageBytes(Recode(message));

    /// <summary>The error text a client should see for the framework's <paramref name="error"/>.</summary>
    internal static string Recode(string error)
    {
        if (error.StartsWith(UnexpectedPrefix, StringComparison.Ordinal))
        {
            var marker = error.IndexOf(HubExceptionMarker, StringComparison.Ordinal);
            return marker < 0 ? error : error[(marker + HubExceptionMarker.Length)..];
        }

        return error.StartsWith(BindingFailurePrefix, StringComparison.Ordinal)
            ? $"{ErrorCodes.Invalid}: the arguments do not fit the method ({error})"
            : error;
    }

    private static HubMessage Recode(HubMessage message) =>
        message is CompletionMessage { Error: { } error, InvocationId: { } id } ? CompletionMessage.WithError(id, Recode(error)) : message;
}
