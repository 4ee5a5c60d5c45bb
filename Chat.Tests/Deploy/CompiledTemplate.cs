using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Chat.Tests.Deploy;

/// <summary>
/// An ARM template as `bicep build` writes it, with the templates of its modules (nested
/// deployments) flattened into one list of resources.
/// </summary>
public sealed partial class CompiledTemplate
{
    private CompiledTemplate(JsonElement root)
    {
        Root = root;
        var resources = new List<CompiledResource>();
        Collect(root, resources);
        Resources = resources;
    }

    public JsonElement Root { get; }

    /// <summary>Every resource of the template and of every module, each with the template that declares it.</summary>
    public IReadOnlyList<CompiledResource> Resources { get; }

    public static CompiledTemplate Parse(string json) => new(JsonDocument.Parse(json).RootElement.Clone());

    /// <summary>The one resource of <paramref name="type"/>, such as <c>Microsoft.Web/sites</c>.</summary>
    public CompiledResource Single(string type)
    {
        var matches = Resources.Where(r => r.Type == type).ToList();
        Assert.True(matches.Count == 1, $"expected one {type} in the compiled template, found {matches.Count}");
        return matches[0];
    }

    public IEnumerable<CompiledResource> All(string type) => Resources.Where(r => r.Type == type);

    // languageVersion 2.0 templates hold resources by symbolic name, older ones in an array.
    private static void Collect(JsonElement template, List<CompiledResource> into)
    {
        if (!template.TryGetProperty("resources", out var resources))
        {
            return;
        }

        var items = resources.ValueKind == JsonValueKind.Object
            ? resources.EnumerateObject().Select(p => p.Value)
            : resources.EnumerateArray();
        foreach (var resource in items)
        {
            var type = resource.GetProperty("type").GetString()!;
            into.Add(new CompiledResource(type, resource, template));
            if (type == "Microsoft.Resources/deployments")
            {
                Collect(resource.GetProperty("properties").GetProperty("template"), into);
            }
        }
    }

    /// <summary>
    /// The value an ARM <c>[format('…', a, b)]</c> expression takes once each argument is replaced:
    /// <c>variables('x')</c> by the template's string variable, anything else by the first entry of
    /// <paramref name="samples"/> whose key occurs in the argument's text (an argument no sample
    /// matches fails the test, so a new ingredient is never passed over unnoticed).
    /// </summary>
    public static string EvaluateFormat(string expression, JsonElement template, IReadOnlyDictionary<string, string> samples)
    {
        var match = FormatExpression().Match(expression);
        Assert.True(match.Success, $"not a format() expression: {expression}");
        var format = match.Groups["format"].Value.Replace("''", "'");
        var arguments = SplitArguments(match.Groups["arguments"].Value);
        var values = arguments.Select(argument =>
        {
            var variable = VariableReference().Match(argument);
            if (variable.Success)
            {
                return template.GetProperty("variables").GetProperty(variable.Groups["name"].Value).GetString()!;
            }

            var sample = samples.FirstOrDefault(s => argument.Contains(s.Key, StringComparison.Ordinal));
            Assert.True(sample.Key is not null, $"no sample value for the argument {argument}");
            return sample.Value;
        }).ToArray();
        return string.Format(System.Globalization.CultureInfo.InvariantCulture, format, values);
    }

    // Arguments are separated by commas outside quotes and parentheses.
    private static List<string> SplitArguments(string text)
    {
        var arguments = new List<string>();
        var current = new StringBuilder();
        var depth = 0;
        var quoted = false;
        foreach (var c in text)
        {
            if (c == '\'')
            {
                quoted = !quoted;
            }
            else if (!quoted && c == '(')
            {
                depth++;
            }
            else if (!quoted && c == ')')
            {
                depth--;
            }
            else if (!quoted && depth == 0 && c == ',')
            {
                arguments.Add(current.ToString().Trim());
                current.Clear();
                continue;
            }

            current.Append(c);
        }

        if (current.Length > 0)
        {
            arguments.Add(current.ToString().Trim());
        }

        return arguments;
    }

    [GeneratedRegex(@"^\[format\('(?<format>(?:[^']|'')*)',\s*(?<arguments>.*)\)\]$", RegexOptions.Singleline)]
    private static partial Regex FormatExpression();

    [GeneratedRegex(@"^variables\('(?<name>[^']+)'\)$")]
    private static partial Regex VariableReference();
}

/// <summary>One resource of a compiled template and the (module) template that declares it.</summary>
public sealed record CompiledResource(string Type, JsonElement Body, JsonElement Template)
{
    public JsonElement Properties => Body.GetProperty("properties");
}
