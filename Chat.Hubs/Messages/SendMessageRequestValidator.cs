using System.Text;
using Chat.Contracts;
using Chat.Hubs.Errors;
using FluentValidation;
using Microsoft.Extensions.Options;

namespace Chat.Hubs.Messages;

/// <summary>The shape rules of a send; who may send what is the <see cref="MessageSender"/>'s call.</summary>
public sealed class SendMessageRequestValidator : AbstractValidator<SendMessageRequest>
{
    private const int MaxMetadataEntries = 16;
    private const int MaxMetadataKeyLength = 64;
    private const int MaxMetadataValueLength = 1024;
    private const int MaxMetadataBytes = 4096;

    public SendMessageRequestValidator(IOptions<ChatOptions> options)
    {
        var maxLength = options.Value.MaxContentLength;

        RuleFor(r => r.RoomId).Must(BeUuid).WithMessage("roomId must be a UUID");
        RuleFor(r => r.ClientMessageId).Must(BeUuid).WithMessage("clientMessageId must be a UUID");
        RuleFor(r => r.Type).Must(t => MessageTypes.Sendable.ContainsKey(t ?? ""))
            .WithMessage("type must be one of text, image, file, system");
        RuleFor(r => r.ToUserId).Must(BeUuidOrEmpty).WithMessage("toUserId must be a UUID");
        RuleFor(r => r.ReplyToId).Must(BeUuidOrEmpty).WithMessage("replyToId must be a UUID");
        RuleFor(r => r.AttachmentId).Must(BeUuidOrEmpty).WithMessage("attachmentId must be a UUID");
        RuleFor(r => r.ThreadRootId).Must(BeUuidOrEmpty).WithMessage("threadRootId must be a UUID");
        // A thread is the room's conversation: a reply in it reaches the room, never one member.
        RuleFor(r => r.ToUserId).Must(string.IsNullOrEmpty).When(r => !string.IsNullOrEmpty(r.ThreadRootId))
            .WithMessage("a thread reply cannot be private (toUserId with threadRootId)");
        RuleFor(r => r.AttachmentId).Must(string.IsNullOrEmpty).When(IsTextual)
            .WithMessage("attachmentId belongs on image and file messages only");

        // Conditions on each rule rather than When(...) blocks: a block's condition is cached per
        // validated instance in two dictionaries, allocated again on every send.
        RuleFor(r => r.Content)
            .Must(c => !string.IsNullOrWhiteSpace(c)).WithMessage("content must not be empty")
            .When(IsTextual);
        RuleFor(r => r.AttachmentId).NotEmpty().WithMessage("attachmentId is required for image and file messages")
            .When(IsAttached);
        RuleFor(r => r.Content)
            .Must(c => (c?.Trim().Length ?? 0) <= maxLength).WithMessage($"content must be at most {maxLength} characters")
            .When(r => IsTextual(r) || IsAttached(r));
        RuleFor(r => r.Content).MustBeContent("content");

        RuleFor(r => r.Metadata)
            .Must(m => m is null || m.Count <= MaxMetadataEntries)
            .WithMessage($"metadata may have at most {MaxMetadataEntries} entries")
            .Must(m => m is null || m.All(e => e.Key.Length is > 0 and <= MaxMetadataKeyLength && (e.Value?.Length ?? 0) <= MaxMetadataValueLength))
            .WithMessage($"metadata keys must be 1-{MaxMetadataKeyLength} characters and values at most {MaxMetadataValueLength}")
            .Must(m => m is null || m.Sum(e => Encoding.UTF8.GetByteCount(e.Key) + Encoding.UTF8.GetByteCount(e.Value ?? "")) <= MaxMetadataBytes)
            .WithMessage($"metadata must be at most {MaxMetadataBytes} bytes in all")
            .Must(m => m is null || m.All(e => TextRules.IsPlainText(e.Key) && TextRules.IsPlainText(e.Value)))
            .WithMessage("metadata must not contain control characters");
    }

    private static bool IsTextual(SendMessageRequest request) => request.Type is "text" or "system";

    private static bool IsAttached(SendMessageRequest request) => request.Type is "image" or "file";

    private static bool BeUuid(string? value) => Guid.TryParse(value, out _);

    private static bool BeUuidOrEmpty(string? value) => string.IsNullOrEmpty(value) || Guid.TryParse(value, out _);
}
