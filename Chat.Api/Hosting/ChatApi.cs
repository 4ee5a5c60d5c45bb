using Chat.Api.Admin;
using Chat.Api.Attachments;
using Chat.Api.Auth;
using Chat.Api.Bots;
using Chat.Api.Limits;
using Chat.Api.Messages;
using Chat.Api.Notifications;
using Chat.Api.Rooms;
using Chat.Api.Threads;
using Chat.Api.Users;
using Chat.Api.Webhooks;
using Chat.Hubs.Limits;

namespace Chat.Api.Hosting;

/// <summary>The REST API's route tree: <c>/auth</c>, then every resource under one authorized <c>/api</c> group.</summary>
/// <remarks>
/// Each group is built here, once, with what all of its routes share: authorization, the
/// problems they may answer, their OpenAPI tag. Policies that belong to a group (rate limits)
/// go on it here too. The feature files map routes onto the group they are given; what is
/// particular to one route (a 409, a body limit) stays on that route.
/// </remarks>
public static class ChatApi
{
    public static IEndpointRouteBuilder MapChatApi(this IEndpointRouteBuilder endpoints)
    {
        // Where tokens come from, so open to anyone.
        endpoints.MapGroup("/auth").WithTags("Auth").AllowAnonymous()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .MapAuthEndpoints();

        // Every signed-in request spends the general Requests budget, unless its route names a
        // budget of its own (history, membership, search, uploads, edits): those are shared with
        // the hub's methods that do the same.
        var api = endpoints.MapGroup("/api").RequireAuthorization()
            .RequireBudget(Budget.Requests)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        api.MapGroup("/users").WithTags("Users")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .MapUserEndpoints();

        api.MapGroup("/users/me/blocks").WithTags("Users")
            .MapBlockEndpoints();

        api.MapGroup("/users/me/push-subscriptions").WithTags("Notifications")
            .ProducesValidationProblem()
            .MapPushSubscriptionEndpoints();

        api.MapGroup("/push").WithTags("Notifications")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .MapPushEndpoints();

        // Everything about a room can be malformed, forbidden to the caller, or about a room
        // (or member, or message) that does not exist.
        var rooms = api.MapGroup("/rooms").WithTags("Rooms")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        rooms.MapRoomEndpoints();
        rooms.MapRoomSearchEndpoints();

        var room = rooms.MapGroup("/{id}");
        room.MapGroup("/members").MapMemberEndpoints();
        // Moderation spans /members/{userId}/… and /bans: a group without a prefix of its own carries its tag.
        room.MapGroup("").WithTags("Moderation").MapModerationEndpoints();
        room.MapGroup("/settings").MapRoomSettingsEndpoints();
        room.MapGroup("/invitations").MapRoomInvitationEndpoints();
        room.MapGroup("/receipts").RequireBudget(Budget.History).MapReceiptEndpoints();
        room.MapGroup("/messages").WithTags("Messages").MapMessageEndpoints().MapRoomMessageSearchEndpoints();
        room.MapGroup("/threads").WithTags("Messages").RequireBudget(Budget.History).MapThreadEndpoints();
        room.MapGroup("/pins").WithTags("Messages").MapPinEndpoints();
        room.MapGroup("/attachments").WithTags("Attachments").MapRoomAttachmentEndpoints();
        room.MapGroup("/bots").WithTags("Bots").MapRoomBotEndpoints();
        room.MapGroup("/notifications").WithTags("Notifications").MapRoomNotificationEndpoints();
        room.MapGroup("/webhooks").WithTags("Webhooks").MapRoomWebhookEndpoints();

        api.MapGroup("/bots").WithTags("Bots").MapBotEndpoints();

        api.MapGroup("/messages").WithTags("Messages")
            .ProducesValidationProblem()
            .MapMessageSearchEndpoints();

        api.MapGroup("/invitations").WithTags("Rooms")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .MapInvitationEndpoints();

        api.MapGroup("/attachments").WithTags("Attachments")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .MapAttachmentEndpoints();

        api.MapGroup("/webhooks").WithTags("Webhooks")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .MapWebhookEndpoints();

        api.MapGroup("/admin").WithTags("Admin")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .MapActivityEndpoints()
            .MapSessionEndpoints()
            .MapAdminWebhookEndpoints();

        return endpoints;
    }
}
