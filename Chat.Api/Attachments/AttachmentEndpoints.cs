using Chat.Api.Limits;
using Chat.Contracts;
using Chat.Hubs;
using Chat.Hubs.Attachments;
using Chat.Hubs.Errors;
using Chat.Hubs.Limits;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Chat.Api.Attachments;

/// <summary>Uploads under <c>/api/rooms/{id}/attachments</c> and downloads under <c>/api/attachments</c>.</summary>
public static class AttachmentEndpoints
{
    /// <summary>Room for the multipart framing around the file: boundaries and part headers.</summary>
    private const long MultipartOverhead = 64 * 1024;

    public static RouteGroupBuilder MapRoomAttachmentEndpoints(this RouteGroupBuilder uploads)
    {
        var services = ((IEndpointRouteBuilder)uploads).ServiceProvider;
        var maxBody = services.GetRequiredService<IOptions<ChatOptions>>().Value.MaxAttachmentBytes + MultipartOverhead;

        uploads.MapPost("/", async Task<Created<AttachmentDto>> (
                Guid id, HttpRequest request, Caller caller, AttachmentService service, CancellationToken ct) =>
            {
                // The form is read by the service once the caller may upload here, not bound
                // before the handler runs: a refused upload is answered before its body is read.
                var attachment = await service.UploadAsync(caller, id, token => ReadFileAsync(request, maxBody, token), ct);
                return TypedResults.Created(attachment.Url, attachment);
            })
            .WithName("UploadAttachment").WithSummary("Uploads a file (multipart field `file`) for messages in the room")
            .Accepts<UploadForm>("multipart/form-data")
            .RequireBudget(Budget.Uploads)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            // Antiforgery guards cookie-authenticated forms, which a browser submits on its own.
            // This API takes a bearer token in the Authorization header, which no other site can
            // make a browser send, so a forged cross-site upload has nothing to ride on.
            .DisableAntiforgery()
            // The body limit refuses an oversized upload as it streams in (see RequestBodyLimit:
            // 413 too_large), by its Content-Length before a byte is read, or counted as it arrives.
            .WithMetadata(new UploadBodyLimit(maxBody));

        return uploads;
    }

    public static RouteGroupBuilder MapAttachmentEndpoints(this RouteGroupBuilder files)
    {
        files.MapGet("/{id}", async Task<PushStreamHttpResult> (
                Guid id, Caller caller, AttachmentService service, HttpResponse response, CancellationToken ct) =>
            {
                var download = await service.OpenAsync(caller, id, ct);
                DescribeDownload(response, download);
                return TypedResults.Stream(body => download.WriteContentAsync(body, ct), download.Attachment.ContentType);
            })
            .WithName("DownloadAttachment").WithSummary("The file's bytes, for members of its room")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream");

        return files;
    }

    private static void DescribeDownload(HttpResponse response, AttachmentDownload download)
    {
        var file = download.Attachment;
        // Images show in the page; anything else is saved, never rendered on our origin. The name
        // goes out both as an ASCII fallback and RFC 5987-encoded (filename*), so any name survives.
        var disposition = new ContentDispositionHeaderValue(download.Inline ? "inline" : "attachment");
        disposition.SetHttpFileName(file.FileName);
        response.Headers.ContentDisposition = disposition.ToString();
        // The sniffed type is the only type: browsers must not second-guess it into HTML.
        response.Headers.XContentTypeOptions = "nosniff";
        // Should a file still be opened as a document, it runs no script and reaches no origin.
        response.Headers.ContentSecurityPolicy = "sandbox";
        // An attachment never changes under its id; only the member's own browser may keep it.
        response.Headers.CacheControl = "private, max-age=31536000, immutable";
        response.ContentLength = file.Size;
    }

    /// <summary>
    /// Reads the multipart body into a form and returns its <c>file</c> field. The reader's own
    /// limit is the body limit, so that the body limit, not the reader, is what trips.
    /// </summary>
    private static async Task<IFormFile?> ReadFileAsync(HttpRequest request, long maxBody, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            throw InvalidForm("an upload is a multipart/form-data body with the file in the field 'file'");
        }

        request.HttpContext.Features.Set<IFormFeature>(new FormFeature(request, new FormOptions { MultipartBodyLengthLimit = maxBody }));
        try
        {
            var form = await request.ReadFormAsync(cancellationToken);
            return form.Files.GetFile("file");
        }
        catch (InvalidDataException e)
        {
            throw InvalidForm($"the multipart body could not be read: {e.Message}");
        }
    }

    private static ChatException InvalidForm(string why) => ChatException.Invalid("file", why);

    /// <summary>The upload's form, as the OpenAPI document describes it.</summary>
    private sealed record UploadForm(IFormFile File);

    private sealed class UploadBodyLimit(long maxBytes) : IRequestSizeLimitMetadata
    {
        public long? MaxRequestBodySize => maxBytes;
    }
}
