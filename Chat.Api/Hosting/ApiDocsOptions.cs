namespace Chat.Api.Hosting;

/// <summary>
/// Whether the node serves its OpenAPI document and Swagger UI (<c>ApiDocs__Enabled</c>): by
/// default in Development only, since they map every route for whoever asks.
/// </summary>
public sealed class ApiDocsOptions
{
    public const string SectionName = "ApiDocs";

    public bool? Enabled { get; set; }

    public static bool IsEnabled(IConfiguration configuration, IHostEnvironment environment) =>
        configuration.GetSection(SectionName).Get<ApiDocsOptions>()?.Enabled ?? environment.IsDevelopment();
}
