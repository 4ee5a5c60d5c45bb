// The service itself: a Linux App Service plan scaled out to instanceCount, and a .NET 10 web app
// whose secrets are Key Vault references resolved with its managed identity.

@description('Azure region of the resources.')
param location string

@description('App Service plan name.')
param planName string

@description('Web app name; also the host name <name>.azurewebsites.net.')
param webAppName string

@description('Plan size. Basic or higher is needed for Always On and more than one instance.')
@allowed([
  'B1'
  'B2'
  'B3'
  'S1'
  'S2'
  'P0v3'
  'P1v3'
  'P2v3'
])
param skuName string = 'P0v3'

@description('Number of instances the plan runs; each runs one node of the service.')
@minValue(1)
@maxValue(30)
param instanceCount int = 2

@description('Resource id of the user-assigned identity that reads Key Vault.')
param identityId string

@description('Key Vault URI, ending in a slash.')
param vaultUri string

@description('Key Vault secret names, by what they hold.')
param secretNames {
  chatConnectionString: string
  chatOwnerConnectionString: string
  redisConfiguration: string
  jwtSigningKey: string
  webhookSecretKey: string
}

@description('Versioned Key Vault secret ids of signing keys retired by a rotation: their tokens stay valid.')
param previousJwtSigningKeyIds string[] = []

@description('Application Insights connection string.')
param appInsightsConnectionString string

@description('Log Analytics workspace that receives the App Service logs.')
param workspaceId string

@description('Apply database migrations when a node starts (under an advisory lock, so instances take turns).')
param migrateOnStartup bool = true

@description('Browser origins allowed to call the API and the hub from another origin.')
param corsAllowedOrigins string[] = []

@export()
@description('A bot the service declares (Bots__N__…); an openai bot\'s key is the vault secret bot-<userName>-api-key.')
type bot = {
  userName: string
  displayName: string?
  provider: 'scripted' | 'openai'
  model: string?
  endpoint: string?
  systemPrompt: string?
}

@description('Subnet delegated to App Service, through which the app reaches PostgreSQL and Redis.')
param appSubnetId string

@description('Bots the service declares.')
param bots bot[] = []

@description('Web Push VAPID public key (base64url); empty leaves offline notifications off.')
param pushVapidPublicKey string = ''

@description('Web Push subject: a mailto: or https: URI of the operator.')
param pushSubject string = ''

// Without a version a reference follows the newest version of its secret.
var secretsUri = '${vaultUri}secrets'

// Each bot as Bots__N__… settings, the ones it leaves out omitted. An openai bot's key is never a
// parameter: it is the vault secret bot-<userName>-api-key, set by the operator.
var botSettings = filter(
  flatten(map(range(0, length(bots)), i => [
    { name: 'Bots__${i}__UserName', value: bots[i].userName }
    { name: 'Bots__${i}__DisplayName', value: bots[i].?displayName ?? '' }
    { name: 'Bots__${i}__Provider', value: bots[i].provider }
    { name: 'Bots__${i}__Model', value: bots[i].?model ?? '' }
    { name: 'Bots__${i}__Endpoint', value: bots[i].?endpoint ?? '' }
    { name: 'Bots__${i}__SystemPrompt', value: bots[i].?systemPrompt ?? '' }
    {
      name: 'Bots__${i}__ApiKey'
      value: bots[i].provider == 'openai'
        ? '@Microsoft.KeyVault(SecretUri=${secretsUri}/bot-${replace(replace(toLower(bots[i].userName), '_', '-'), '.', '-')}-api-key)'
        : ''
    }
  ])),
  setting => !empty(setting.value)
)

// Offline notifications only with a public key: the private key is the vault secret
// push-vapid-private-key, which the operator sets (deploy/README.md), like a bot's API key. Without
// the public key no setting names the secret, so a deployment without push never refers to it.
var pushSettings = empty(pushVapidPublicKey)
  ? []
  : [
      { name: 'Push__VapidPublicKey', value: pushVapidPublicKey }
      { name: 'Push__VapidPrivateKey', value: '@Microsoft.KeyVault(SecretUri=${secretsUri}/push-vapid-private-key)' }
      { name: 'Push__Subject', value: pushSubject }
    ]

var fixedSettings = [
  {
    name: 'ASPNETCORE_ENVIRONMENT'
    value: 'Production'
  }
  {
    // App Service's front ends terminate TLS and send X-Forwarded-For / X-Forwarded-Proto.
    name: 'ASPNETCORE_FORWARDEDHEADERS_ENABLED'
    value: 'true'
  }
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
    value: appInsightsConnectionString
  }
  {
    // App Service's codeless Application Insights agent for .NET on Linux: requests, dependencies
    // and ILogger output without a package in the app.
    name: 'ApplicationInsightsAgent_EXTENSION_VERSION'
    value: '~3'
  }
  {
    name: 'ConnectionStrings__Chat'
    value: '@Microsoft.KeyVault(SecretUri=${secretsUri}/${secretNames.chatConnectionString})'
  }
  {
    name: 'Redis__Configuration'
    value: '@Microsoft.KeyVault(SecretUri=${secretsUri}/${secretNames.redisConfiguration})'
  }
  {
    name: 'Redis__ChannelPrefix'
    value: 'chat'
  }
  {
    name: 'Jwt__SigningKey'
    value: '@Microsoft.KeyVault(SecretUri=${secretsUri}/${secretNames.jwtSigningKey})'
  }
  {
    // Seals the webhooks' signing secrets, so that a copy of the database alone signs nothing.
    name: 'Webhooks__SecretKey'
    value: '@Microsoft.KeyVault(SecretUri=${secretsUri}/${secretNames.webhookSecretKey})'
  }
  {
    name: 'Database__MigrateOnStartup'
    value: string(migrateOnStartup)
  }
  {
    // What the start-up migration runs as; with migrateOnStartup off it stays in the vault.
    name: 'ConnectionStrings__ChatOwner'
    value: migrateOnStartup ? '@Microsoft.KeyVault(SecretUri=${secretsUri}/${secretNames.chatOwnerConnectionString})' : ''
  }
  {
    // The deploy workflow puts the web client's build here, beside Chat.Api.dll.
    name: 'WebClient__Path'
    value: '/home/site/wwwroot/web-client'
  }
]

var corsSettings = [
  for (origin, i) in corsAllowedOrigins: {
    name: 'Cors__AllowedOrigins__${i}'
    value: origin
  }
]

// A retired key is pinned by its versioned id, so the reference keeps resolving to the old key
// after the secret gets its new version.
var previousKeySettings = [
  for (secretId, i) in previousJwtSigningKeyIds: {
    name: 'Jwt__PreviousSigningKeys__${i}'
    value: '@Microsoft.KeyVault(SecretUri=${secretId})'
  }
]

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  kind: 'linux'
  sku: {
    name: skuName
    capacity: instanceCount
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: webAppName
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // ARR affinity: the negotiate request and the connection that follows must reach the same
    // instance (and long polling or server-sent events keep coming back to it).
    clientAffinityEnabled: true
    keyVaultReferenceIdentity: identityId
    // All outbound traffic through the network, where PostgreSQL and Redis have their only addresses.
    virtualNetworkSubnetId: appSubnetId
    siteConfig: {
      vnetRouteAllEnabled: true
      linuxFxVersion: 'DOTNETCORE|10.0'
      appCommandLine: 'dotnet Chat.Api.dll'
      alwaysOn: true
      webSocketsEnabled: true
      http20Enabled: true
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      // Readiness checks PostgreSQL and Redis: an instance that cannot reach either is taken out
      // of the load balancer instead of accepting connections it cannot serve.
      healthCheckPath: '/health/ready'
      appSettings: concat(fixedSettings, corsSettings, previousKeySettings, botSettings, pushSettings)
    }
  }
}

// Deployments authenticate with Microsoft Entra ID (the pipeline's OIDC login), never with
// publishing user names and passwords.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

// The service logs to the console; this sends those lines and the platform's own events to Log
// Analytics next to the Application Insights data. Not App Service's HTTP log: it records each
// request's query string, and the hub's access_token travels there (browsers cannot set headers
// on a WebSocket). Request counts and 5xx rates come from the metrics instead.
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: site
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'AppServiceConsoleLogs'
        enabled: true
      }
      {
        category: 'AppServicePlatformLogs'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
