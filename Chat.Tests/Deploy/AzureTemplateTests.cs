using System.Reflection;
using System.Text.Json;
using Chat.Api.Auth;
using Chat.Data;
using Chat.Hubs;
using Chat.Hubs.Connections;
using Chat.Hubs.Limits;
using Chat.Hubs.Receipts;
using Chat.Hubs.Retention;
using Chat.Hubs.Rooms;
using Chat.Tests.Infrastructure;
using Npgsql;
using StackExchange.Redis;

namespace Chat.Tests.Deploy;

/// <summary>
/// deploy/azure compiled with the real Bicep CLI: it builds and lints clean, and the ARM template
/// it produces configures App Service, Redis, PostgreSQL and Key Vault the way the service needs.
/// </summary>
public sealed class AzureTemplateTests(AzureTemplateFixture fixture) : IClassFixture<AzureTemplateFixture>
{
    // Built-in Azure role "Key Vault Secrets User".
    private const string SecretsUserRole = "4633458b-17de-408a-b874-0445c86b69e6";
    private const string KeyVaultReference = "[format('@Microsoft.KeyVault(SecretUri=";

    private static readonly string[] SecretSettings = ["ConnectionStrings__Chat", "Redis__Configuration", "Jwt__SigningKey", "Webhooks__SecretKey"];

    // deploy/azure is two levels below the repository's root.

    private CompiledTemplate Template => fixture.Template;

    [Fact]
    public void The_template_builds_without_a_warning()
    {
        Assert.Equal(0, fixture.Build.ExitCode);
        Assert.Equal("", fixture.Build.Printed);
    }

    [Fact]
    public async Task The_linter_finds_nothing_in_the_template_or_its_modules()
    {
        var lint = await BicepCli.RunAsync(["lint", "main.bicep"]);

        Assert.Equal(0, lint.ExitCode);
        Assert.Equal("", lint.Printed);
    }

    [Fact]
    public async Task The_parameters_file_takes_both_secrets_from_the_environment_and_holds_none()
    {
        var password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

        var withoutPassword = await BicepCli.RunAsync(["build-params", "main.bicepparam", "--stdout"], Environment(password: null));
        var built = await BicepCli.RunAsync(["build-params", "main.bicepparam", "--stdout"], Environment(password));

        Assert.NotEqual(0, withoutPassword.ExitCode);
        Assert.Contains("CHAT_POSTGRES_ADMIN_PASSWORD", withoutPassword.Printed, StringComparison.Ordinal);
        Assert.Equal(0, built.ExitCode);
        using var parameters = JsonDocument.Parse(ParametersJson(built.Output));
        var values = parameters.RootElement.GetProperty("parameters");
        Assert.Equal(password, values.GetProperty("postgresAdminPassword").GetProperty("value").GetString());
        Assert.Equal(password + "App", values.GetProperty("postgresAppPassword").GetProperty("value").GetString());
        Assert.Equal("", values.GetProperty("jwtSigningKey").GetProperty("value").GetString());
        Assert.Equal("", values.GetProperty("webhookSecretKey").GetProperty("value").GetString());
    }

    [Fact]
    public void No_secure_parameter_has_a_default_value_anywhere()
    {
        var templates = new[] { Template.Root }.Concat(Template.All("Microsoft.Resources/deployments")
            .Select(d => d.Properties.GetProperty("template")));

        var secure = templates
            .SelectMany(t => t.TryGetProperty("parameters", out var p) ? p.EnumerateObject() : Enumerable.Empty<JsonProperty>())
            .Where(p => p.Value.GetProperty("type").GetString()!.StartsWith("secure", StringComparison.OrdinalIgnoreCase))
            .ToList();

        Assert.Contains(secure, p => p.Name == "postgresAdminPassword");
        Assert.Contains(secure, p => p.Name == "jwtSigningKey");
        Assert.Contains(secure, p => p.Name == "webhookSecretKey");
        Assert.All(secure, p => Assert.True(
            !p.Value.TryGetProperty("defaultValue", out var fallback) || fallback.GetString() == "",
            $"the secure parameter {p.Name} has a default value"));
    }

    [Fact]
    public void The_web_app_runs_dotnet_10_with_websockets_affinity_always_on_and_https_only()
    {
        var site = Template.Single("Microsoft.Web/sites").Properties;
        var config = site.GetProperty("siteConfig");

        Assert.True(site.GetProperty("httpsOnly").GetBoolean());
        Assert.True(site.GetProperty("clientAffinityEnabled").GetBoolean());
        Assert.Equal("DOTNETCORE|10.0", config.GetProperty("linuxFxVersion").GetString());
        Assert.True(config.GetProperty("webSocketsEnabled").GetBoolean());
        Assert.True(config.GetProperty("alwaysOn").GetBoolean());
        Assert.Equal("1.2", config.GetProperty("minTlsVersion").GetString());
        Assert.Equal("Disabled", config.GetProperty("ftpsState").GetString());
        Assert.Equal("dotnet Chat.Api.dll", config.GetProperty("appCommandLine").GetString());
    }

    [Fact]
    public void The_plan_runs_as_many_instances_as_the_instance_count_parameter()
    {
        var plan = Template.Single("Microsoft.Web/serverfarms").Body;
        var webAppModule = Template.Root.GetProperty("resources").GetProperty("webApp");

        Assert.True(plan.GetProperty("properties").GetProperty("reserved").GetBoolean(), "the plan must be a Linux plan");
        Assert.Equal("[parameters('instanceCount')]", plan.GetProperty("sku").GetProperty("capacity").GetString());
        Assert.Equal(
            "[parameters('instanceCount')]",
            webAppModule.GetProperty("properties").GetProperty("parameters").GetProperty("instanceCount").GetProperty("value").GetString());
    }

    [Fact]
    public async Task Scaling_out_is_one_environment_variable_at_deploy_time()
    {
        var built = await BicepCli.RunAsync(
            ["build-params", "main.bicepparam", "--stdout"],
            Environment("Passw0rdForTheParametersOnly", ("CHAT_INSTANCE_COUNT", "4")));

        Assert.Equal(0, built.ExitCode);
        using var parameters = JsonDocument.Parse(ParametersJson(built.Output));
        Assert.Equal(4, parameters.RootElement.GetProperty("parameters").GetProperty("instanceCount").GetProperty("value").GetInt32());
    }

    [Fact]
    public void Every_secret_reaches_the_app_as_a_key_vault_reference_read_with_its_identity()
    {
        var site = Template.Single("Microsoft.Web/sites");
        var settings = AppSettings(site);
        var vault = Template.Single("Microsoft.KeyVault/vaults").Properties;
        var roleAssignments = Template.All("Microsoft.Authorization/roleAssignments").ToList();

        Assert.All(SecretSettings, name => Assert.StartsWith(KeyVaultReference, settings[name], StringComparison.Ordinal));
        Assert.Equal("UserAssigned", site.Body.GetProperty("identity").GetProperty("type").GetString());
        Assert.Equal("[parameters('identityId')]", site.Properties.GetProperty("keyVaultReferenceIdentity").GetString());
        Assert.True(vault.GetProperty("enableRbacAuthorization").GetBoolean());
        var appAccess = Assert.Single(roleAssignments, r => r.Properties.GetProperty("principalId").GetString() == "[parameters('appPrincipalId')]");
        Assert.Contains(SecretsUserRole, appAccess.Template.GetProperty("variables").GetProperty("secretsUserRoleId").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_app_setting_names_a_configuration_key_the_service_reads()
    {
        var settings = AppSettings(Template.Single("Microsoft.Web/sites"));
        var sections = new[]
        {
            typeof(JwtOptions), typeof(ServiceClientOptions), typeof(ChatRedisOptions), typeof(ChatDataOptions), typeof(ChatOptions),
            typeof(ClusterOptions), typeof(ReceiptOptions), typeof(InvitationOptions), typeof(RetentionOptions), typeof(RateLimitOptions),
            typeof(Chat.Api.Hosting.WebClientOptions), typeof(Chat.Hubs.Webhooks.WebhookOptions),
        }.ToDictionary(t => (string)t.GetField("SectionName")!.GetRawConstantValue()!, StringComparer.OrdinalIgnoreCase);

        Assert.Contains("Database__MigrateOnStartup", settings.Keys);
        Assert.Contains("APPLICATIONINSIGHTS_CONNECTION_STRING", settings.Keys);
        Assert.All(settings.Keys, name =>
        {
            var parts = name.Split("__");
            if (parts.Length == 1)
            {
                // Read by the platform or the runtime, not by the service's options.
                Assert.Matches("^(ASPNETCORE_|APPLICATIONINSIGHTS_|ApplicationInsightsAgent_)", name);
                return;
            }

            if (parts[0] == "ConnectionStrings")
            {
                Assert.Contains(name, new[] { "ConnectionStrings__Chat", "ConnectionStrings__ChatOwner" });
                return;
            }

            Assert.True(sections.TryGetValue(parts[0], out var options), $"{name}: no options class binds the section {parts[0]}");
            Assert.True(
                options.GetProperty(parts[1], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is not null,
                $"{name}: {options.Name} has no property {parts[1]}");
        });
    }

    [Fact]
    public void Declared_bots_become_bot_settings_and_an_openai_key_comes_from_the_vault_only()
    {
        var site = Template.Single("Microsoft.Web/sites");
        var botSettings = site.Template.GetProperty("variables").GetProperty("botSettings").GetString()!;
        var names = System.Text.RegularExpressions.Regex.Matches(botSettings, @"'Bots__\{0\}__(\w+)'").Select(m => m.Groups[1].Value).ToList();

        Assert.Contains("ApiKey", names);
        Assert.All(names, name => Assert.True(
            typeof(Chat.Hubs.Bots.BotDefinition).GetProperty(name) is not null, $"Bots__N__{name}: BotDefinition has no property {name}"));
        // The key is a reference to the bot's vault secret, read with the app's identity, and is
        // no parameter of the template: nothing secret passes through a deployment.
        Assert.Contains("format('@Microsoft.KeyVault(SecretUri={0}/bot-{1}-api-key)', variables('secretsUri')", botSettings, StringComparison.Ordinal);
        Assert.DoesNotContain(
            Template.Root.GetProperty("parameters").EnumerateObject(),
            p => p.Name.Contains("bot", StringComparison.OrdinalIgnoreCase) && p.Value.GetProperty("type").GetString()!.StartsWith("secure", StringComparison.Ordinal));
        Assert.Contains("botSettings", site.Properties.GetProperty("siteConfig").GetProperty("appSettings").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Web_push_settings_come_with_a_public_key_only_and_the_private_key_from_the_vault_only()
    {
        var site = Template.Single("Microsoft.Web/sites");
        var pushSettings = site.Template.GetProperty("variables").GetProperty("pushSettings").GetString()!;
        var names = System.Text.RegularExpressions.Regex.Matches(pushSettings, @"'Push__(\w+)'").Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(["VapidPublicKey", "VapidPrivateKey", "Subject"], names);
        Assert.All(names, name => Assert.True(
            typeof(Chat.Hubs.Notifications.PushOptions).GetProperty(name) is not null, $"Push__{name}: PushOptions has no property {name}"));
        Assert.StartsWith("[if(empty(parameters('pushVapidPublicKey')), createArray()", pushSettings, StringComparison.Ordinal);
        Assert.Contains("format('@Microsoft.KeyVault(SecretUri={0}/push-vapid-private-key)', variables('secretsUri'))", pushSettings, StringComparison.Ordinal);
        Assert.DoesNotContain(
            Template.Root.GetProperty("parameters").EnumerateObject(),
            p => p.Name.Contains("push", StringComparison.OrdinalIgnoreCase) && p.Value.GetProperty("type").GetString()!.StartsWith("secure", StringComparison.Ordinal));
        Assert.Contains("pushSettings", site.Properties.GetProperty("siteConfig").GetProperty("appSettings").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_webhook_sealing_key_comes_from_the_vault_and_is_written_there_once_never_rotated_by_a_deployment()
    {
        var settings = AppSettings(Template.Single("Microsoft.Web/sites"));
        var secrets = Template.All("Microsoft.KeyVault/vaults/secrets").Select(s => s.Body).ToList();
        var workflow = File.ReadAllText(Path.Combine(Checkout.Root, ".github", "workflows", "deploy.yml"));

        Assert.Contains("webhookSecretKey", settings["Webhooks__SecretKey"], StringComparison.Ordinal);
        // Written only when a deployment is given a key, like the JWT signing key: a redeployment
        // without one keeps the vault's, and the secrets sealed with it still open.
        var webhookSecret = Assert.Single(secrets, r => r.GetProperty("properties").GetProperty("value").GetString() == "[parameters('webhookSecretKey')]");
        Assert.Equal("[not(empty(parameters('webhookSecretKey')))]", webhookSecret.GetProperty("condition").GetString());
        // The workflow makes a key only when the vault lists none, and a failed listing stops it.
        Assert.Contains("length([?name=='webhook-secret-key'])", workflow, StringComparison.Ordinal);
        Assert.Contains("if [[ \"$webhook_keys\" == 0 ]]; then", workflow, StringComparison.Ordinal);
        Assert.Contains("set -euo pipefail", workflow, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgreSQL_allows_every_extension_the_migrations_create()
    {
        var setting = Assert.Single(Template.All("Microsoft.DBforPostgreSQL/flexibleServers/configurations"), c => c.Body.GetProperty("name").GetString()!.Contains("azure.extensions", StringComparison.Ordinal));
        var allowed = setting.Properties.GetProperty("value").GetString()!.Split(',').Select(e => e.Trim().ToLowerInvariant()).ToHashSet();
        var migrations = Path.Combine(Checkout.Root, "Chat.Data", "Migrations");
        var created = Directory.GetFiles(migrations, "*.sql")
            .SelectMany(f => System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(f), @"create extension (?:if not exists )?(\w+)", System.Text.RegularExpressions.RegexOptions.IgnoreCase))
            .Select(m => m.Groups[1].Value.ToLowerInvariant())
            .ToList();

        Assert.NotEmpty(created);
        Assert.All(created, extension => Assert.Contains(extension, allowed));
    }

    [Fact]
    public void PostgreSQL_and_Redis_answer_only_inside_the_private_network_the_web_app_routes_through()
    {
        var postgres = Template.Single("Microsoft.DBforPostgreSQL/flexibleServers").Properties.GetProperty("network");
        var redis = Template.Single("Microsoft.Cache/redis").Properties;
        var endpoint = Template.Single("Microsoft.Network/privateEndpoints").Properties;
        var site = Template.Single("Microsoft.Web/sites").Properties;
        var subnets = Template.Single("Microsoft.Network/virtualNetworks").Properties.GetProperty("subnets").EnumerateArray()
            .ToDictionary(
                subnet => subnet.GetProperty("name").GetString()!,
                subnet => subnet.GetProperty("properties").TryGetProperty("delegations", out var d) ? d[0].GetProperty("properties").GetProperty("serviceName").GetString() : null);

        Assert.Equal("Disabled", postgres.GetProperty("publicNetworkAccess").GetString());
        Assert.Equal("[parameters('subnetId')]", postgres.GetProperty("delegatedSubnetResourceId").GetString());
        Assert.Empty(Template.All("Microsoft.DBforPostgreSQL/flexibleServers/firewallRules"));
        Assert.Equal("Disabled", redis.GetProperty("publicNetworkAccess").GetString());
        Assert.Equal("redisCache", endpoint.GetProperty("privateLinkServiceConnections")[0].GetProperty("properties").GetProperty("groupIds")[0].GetString());
        Assert.Equal("[parameters('appSubnetId')]", site.GetProperty("virtualNetworkSubnetId").GetString());
        Assert.True(site.GetProperty("siteConfig").GetProperty("vnetRouteAllEnabled").GetBoolean());
        Assert.Equal("Microsoft.Web/serverFarms", subnets["app"]);
        Assert.Equal("Microsoft.DBforPostgreSQL/flexibleServers", subnets["postgres"]);
        Assert.Equal(2, Template.All("Microsoft.Network/privateDnsZones/virtualNetworkLinks").Count());
    }

    [Fact]
    public void The_service_runs_as_the_chat_app_role_and_only_the_start_up_migration_gets_the_owners_connection()
    {
        var secrets = Template.All("Microsoft.KeyVault/vaults/secrets")
            .Where(s => s.Template.GetProperty("parameters").TryGetProperty("appPassword", out _))
            .Select(s => s.Properties.GetProperty("value").GetString()!)
            .ToList();
        var settings = Template.Single("Microsoft.Web/sites").Template.GetProperty("variables").GetProperty("fixedSettings").EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("value").GetString()!);

        Assert.Contains(secrets, value => value.Contains("Username=chat_app;", StringComparison.Ordinal));
        Assert.Contains(secrets, value => value.Contains("parameters('adminLogin')", StringComparison.Ordinal));
        Assert.StartsWith("[if(parameters('migrateOnStartup'), format('@Microsoft.KeyVault(SecretUri=", settings["ConnectionStrings__ChatOwner"], StringComparison.Ordinal);
        Assert.Contains("chatOwnerConnectionString", settings["ConnectionStrings__ChatOwner"], StringComparison.Ordinal);
    }

    [Fact]
    public void Alerts_on_health_5xx_postgres_and_redis_reach_the_operators_by_email()
    {
        var alerts = Template.Single("Microsoft.Insights/metricAlerts");
        var group = Template.Single("Microsoft.Insights/actionGroups");
        var rules = alerts.Template.GetProperty("variables").GetProperty("rules").EnumerateArray().ToList();

        Assert.Equal(
            ["HealthCheckStatus", "Http5xx", "cpu_percent", "storage_percent", "usedmemorypercentage"],
            rules.Select(r => r.GetProperty("metric").GetString()));
        Assert.Equal("[parameters('alertEmail')]", group.Properties.GetProperty("emailReceivers")[0].GetProperty("emailAddress").GetString());
        // The service's own counters, as the nodes send them to Application Insights (AzureMonitorMetricsTests).
        var queries = alerts.Template.GetProperty("variables").GetProperty("counterRules").EnumerateArray()
            .Select(r => r.GetProperty("query").GetString()!).ToList();
        Assert.Equal(3, queries.Count);
        Assert.Contains(queries, q => q.Contains("\"chat.connections.cut_off\"", StringComparison.Ordinal));
        Assert.Contains(queries, q => q.Contains("\"chat.database.errors\"", StringComparison.Ordinal));
        Assert.Contains(queries, q => q.Contains("\"chat.messages.ack_latency\"", StringComparison.Ordinal));
        Assert.Single(Template.All("Microsoft.Insights/scheduledQueryRules"));
        Assert.Contains("actionGroups", alerts.Properties.GetProperty("actions")[0].GetProperty("actionGroupId").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_web_app_serves_the_web_client_the_workflow_builds_into_its_artifact()
    {
        var settings = AppSettings(Template.Single("Microsoft.Web/sites"));
        var workflow = File.ReadAllText(Path.Combine(Checkout.Root, ".github", "workflows", "deploy.yml"));

        Assert.Equal("/home/site/wwwroot/web-client", settings["WebClient__Path"]);
        Assert.Contains("npm run build --prefix web-client", workflow, StringComparison.Ordinal);
        Assert.Contains("cp -r web-client/dist publish/web-client", workflow, StringComparison.Ordinal);
    }

    [Fact]
    public void Redis_speaks_tls_only_and_the_app_connects_to_its_ssl_port()
    {
        var redis = Template.Single("Microsoft.Cache/redis").Properties;
        var secret = Template.All("Microsoft.KeyVault/vaults/secrets")
            .Single(s => s.Template.GetProperty("resources").ToString().Contains("Microsoft.Cache/redis", StringComparison.Ordinal));

        var configuration = CompiledTemplate.EvaluateFormat(
            secret.Properties.GetProperty("value").GetString()!,
            secret.Template,
            new Dictionary<string, string>
            {
                [".hostName"] = "chat-prod.redis.cache.windows.net",
                [".sslPort"] = "6380",
                ["listKeys("] = "access-key",
            });
        var options = ConfigurationOptions.Parse(configuration);

        Assert.False(redis.GetProperty("enableNonSslPort").GetBoolean());
        Assert.Equal("1.2", redis.GetProperty("minimumTlsVersion").GetString());
        Assert.True(options.Ssl);
        Assert.False(options.AbortOnConnectFail);
        Assert.Equal("access-key", options.Password);
        Assert.Equal(6380, Assert.IsType<System.Net.DnsEndPoint>(Assert.Single(options.EndPoints)).Port);
    }

    [Fact]
    public void PostgreSQL_serves_the_chat_database_over_verified_tls()
    {
        var server = Template.Single("Microsoft.DBforPostgreSQL/flexibleServers");
        var database = Template.Single("Microsoft.DBforPostgreSQL/flexibleServers/databases");
        // The service's own: the owner's differs only in its user and password.
        var secret = Template.All("Microsoft.KeyVault/vaults/secrets")
            .Single(s => s.Properties.GetProperty("value").GetString()!.Contains("Username=chat_app;", StringComparison.Ordinal));

        var connectionString = new NpgsqlConnectionStringBuilder(CompiledTemplate.EvaluateFormat(
            secret.Properties.GetProperty("value").GetString()!,
            secret.Template,
            new Dictionary<string, string>
            {
                ["fullyQualifiedDomainName"] = "psql-chat-prod.postgres.database.azure.com",
                ["parameters('appPassword')"] = "Passw0rdPassw0rd",
            }));
        var versions = server.Template.GetProperty("parameters").GetProperty("version").GetProperty("allowedValues")
            .EnumerateArray().Select(v => v.GetString()).ToList();

        Assert.Equal("chat", connectionString.Database);
        Assert.Equal("chat", database.Template.GetProperty("variables").GetProperty("databaseName").GetString());
        Assert.Equal(SslMode.VerifyFull, connectionString.SslMode);
        Assert.Equal("psql-chat-prod.postgres.database.azure.com", connectionString.Host);
        Assert.Equal("chat_app", connectionString.Username);
        Assert.Equal(["15", "16"], versions);
        Assert.Equal("16", Template.Root.GetProperty("parameters").GetProperty("postgresVersion").GetProperty("defaultValue").GetString());
    }

    [Fact]
    public void Telemetry_goes_to_application_insights_on_a_log_analytics_workspace()
    {
        var settings = AppSettings(Template.Single("Microsoft.Web/sites"));
        var insights = Template.Single("Microsoft.Insights/components").Properties;
        var diagnostics = Template.Single("Microsoft.Insights/diagnosticSettings").Properties;

        Assert.Equal("[parameters('appInsightsConnectionString')]", settings["APPLICATIONINSIGHTS_CONNECTION_STRING"]);
        Assert.StartsWith("[resourceId('Microsoft.OperationalInsights/workspaces'", insights.GetProperty("WorkspaceResourceId").GetString(), StringComparison.Ordinal);
        var categories = diagnostics.GetProperty("logs").EnumerateArray().Select(l => l.GetProperty("category").GetString()).ToList();
        Assert.Contains("AppServiceConsoleLogs", categories);
        // Its lines carry each request's query string, and with it the hub's access_token.
        Assert.DoesNotContain("AppServiceHTTPLogs", categories);
    }

    private static Dictionary<string, string> AppSettings(CompiledResource site)
    {
        var fixedSettings = site.Template.GetProperty("variables").GetProperty("fixedSettings");
        return fixedSettings.EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("value").GetString()!);
    }

    private static Dictionary<string, string?> Environment(string? password, params (string Name, string Value)[] more)
    {
        // Nothing from the machine running the tests may leak into the parameters.
        var environment = new Dictionary<string, string?>
        {
            ["CHAT_POSTGRES_ADMIN_PASSWORD"] = password,
            ["CHAT_POSTGRES_APP_PASSWORD"] = password is null ? null : password + "App",
            ["CHAT_JWT_SIGNING_KEY"] = null,
            ["CHAT_WEBHOOK_SECRET_KEY"] = null,
            ["CHAT_INSTANCE_COUNT"] = null,
            ["CHAT_DEPLOYMENT_PRINCIPAL_ID"] = null,
            ["CHAT_PUSH_VAPID_PUBLIC_KEY"] = null,
            ["CHAT_PUSH_SUBJECT"] = null,
        };
        foreach (var (name, value) in more)
        {
            environment[name] = value;
        }

        return environment;
    }

    // build-params --stdout prints a JSON object with the parameters file as a string.
    private static string ParametersJson(string output)
    {
        using var document = JsonDocument.Parse(output);
        return document.RootElement.TryGetProperty("parametersJson", out var inner) ? inner.GetString()! : output;
    }
}
