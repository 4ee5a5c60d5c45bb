using Chat.Contracts;
using Chat.Hubs.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace Chat.Api.Hosting;

/// <summary>
/// Enforces an endpoint's request body limit (<see cref="IRequestSizeLimitMetadata"/>) so that a
/// client that exceeds it reads a 413 <c>too_large</c> problem, not a broken connection.
/// </summary>
/// <remarks>
/// Kestrel enforces such a limit by failing the read and closing the connection while the client
/// is still sending; the client then sees a reset instead of the answer. Here the limit is
/// checked against the declared Content-Length before anything reads the body, or counted as a
/// body without one arrives, and what is refused is read and discarded, up to a bound, so that
/// the client finishes sending and reads the 413. Kestrel's own limit is raised to that bound.
/// </remarks>
internal sealed class RequestBodyLimit(RequestDelegate next)
{
    // Discarding a refused body costs bandwidth, not memory. Past this bound a client that
    // ignores the limit has its connection closed after all.
    private const long MinDrainBytes = 64 * 1024 * 1024;

    // Not async itself: a request without a limit of its own (the hub's WebSocket among them, for
    // its whole life) goes on without a state machine of this middleware held while it lasts.
    public Task InvokeAsync(HttpContext context)
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize;
        return limit is { } maxBytes && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } kestrelLimit
            ? LimitAsync(context, maxBytes, kestrelLimit)
            : next(context);
    }

    private async Task LimitAsync(HttpContext context, long maxBytes, IHttpMaxRequestBodySizeFeature kestrelLimit)
    {
        var request = context.Request;
        var body = request.Body;
        kestrelLimit.MaxRequestBodySize = Math.Max(MinDrainBytes, 4 * maxBytes);
        if (request.ContentLength > maxBytes)
        {
            // With "Expect: 100-continue" the client waits for a go-ahead that never comes: no body to discard.
            if (!request.Headers.Expect.Contains("100-continue"))
            {
                await DrainAsync(body, context.RequestAborted);
            }

            throw TooLarge(maxBytes);
        }

        request.Body = new CountingBody(body, maxBytes);
        try
        {
            await next(context);
        }
        catch (Exception e) when (IsOverLimit(e) && !context.Response.HasStarted)
        {
            await DrainAsync(body, context.RequestAborted);
            throw TooLarge(maxBytes);
        }
        finally
        {
            request.Body = body;
        }
    }

    private static ChatException TooLarge(long maxBytes) =>
        new(ErrorCodes.TooLarge, $"the request body may be at most {maxBytes} bytes");

    // Form binding reports a failed read wrapped in an exception of its own.
    private static bool IsOverLimit(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is BodyOverLimitException)
            {
                return true;
            }
        }

        return false;
    }

    private static async Task DrainAsync(Stream body, CancellationToken cancellationToken)
    {
        try
        {
            await body.CopyToAsync(Stream.Null, cancellationToken);
        }
        catch (Exception e) when (e is BadHttpRequestException or IOException or OperationCanceledException)
        {
            // Over the drain bound, or the client went away: the connection closes either way.
        }
    }

    /// <summary>A body read that went past the endpoint's limit.</summary>
    private sealed class BodyOverLimitException(long maxBytes)
        : BadHttpRequestException($"the request body may be at most {maxBytes} bytes", StatusCodes.Status413PayloadTooLarge);

    /// <summary>Passes a body through and fails the read that goes past the limit.</summary>
    private sealed class CountingBody(Stream inner, long maxBytes) : Stream
    {
        private long read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => read;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int bytes)
        {
            read += bytes;
            return read > maxBytes ? throw new BodyOverLimitException(maxBytes) : bytes;
        }
    }
}
