namespace Chat.Api.Hosting;

/// <summary>The route group every authenticated resource starts from.</summary>
public static class ChatRouteGroups
{
    /// <summary>
    /// A group under <paramref name="prefix"/> that needs a token and declares the problems any of
    /// its routes may answer (validation, 401, 403, 404), so OpenAPI lists them once per group.
    /// </summary>
    public static RouteGroupBuilder MapAuthorizedGroup(this IEndpointRouteBuilder endpoints, string prefix, string tag)
    {
        var group = endpoints.MapGroup(prefix).WithTags(tag).RequireAuthorization();
        group.ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }
}
