using System.Net;
using System.Text.Json;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// Assertions on REST errors: problem details whose <c>code</c> member carries the contract's
/// error code (PROTOCOL.md, "General rules").
/// </summary>
public static class ProblemAssert
{
    /// <summary>
    /// Fails unless the answer has <paramref name="status"/> and the problem's code is
    /// <paramref name="code"/>; returns the problem, for a look at its <c>errors</c>.
    /// </summary>
    public static async Task<JsonElement> HasCodeAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{status} expected, got {response.StatusCode}: {body}");
        return HasCode(body, code);
    }

    /// <summary>Fails unless the problem's code is <paramref name="code"/>, whatever the status.</summary>
    public static async Task<JsonElement> HasCodeAsync(HttpResponseMessage response, string code) =>
        HasCode(await response.Content.ReadAsStringAsync(), code);

    /// <summary>Fails unless the answer says it is a problem (<c>application/problem+json</c>).</summary>
    public static void IsProblemJson(HttpResponseMessage response) =>
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);

    /// <summary>The problem's code, for a test that compares it with other outcomes.</summary>
    public static async Task<string?> CodeOfAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        using var problem = JsonDocument.Parse(body);
        return CodeOf(problem.RootElement, body);
    }

    private static JsonElement HasCode(string body, string code)
    {
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(code, CodeOf(problem.RootElement, body));
        return problem.RootElement.Clone();
    }

    private static string? CodeOf(JsonElement problem, string body) =>
        problem.TryGetProperty("code", out var code)
            ? code.GetString()
            : throw new Xunit.Sdk.XunitException($"A problem with a code expected, got: {body}");
}
