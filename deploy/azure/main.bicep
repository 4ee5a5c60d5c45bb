// The chat service on Azure App Service: a scaled-out Linux web app, Azure Cache for Redis as the
// SignalR backplane, PostgreSQL Flexible Server, Key Vault for every secret, and Application
// Insights on a Log Analytics workspace. deploy/README.md walks through a first deployment.

targetScope = 'resourceGroup'

import { bot } from 'modules/webapp.bicep'

@description('Short name in every resource name: lowercase letters, digits and hyphens, e.g. chat-prod.')
@minLength(3)
@maxLength(12)
param appName string

@description('Azure region of the resources.')
param location string = resourceGroup().location

@description('App Service plan size (Basic or higher).')
param appServicePlanSku string = 'P0v3'

@description('Number of web app instances (scale-out).')
@minValue(1)
@maxValue(30)
param instanceCount int = 2

@description('Azure Cache for Redis tier.')
param redisSkuName string = 'Standard'

@description('Azure Cache for Redis size within the tier.')
param redisCapacity int = 1

@description('PostgreSQL major version.')
param postgresVersion string = '16'

@description('PostgreSQL compute size.')
param postgresSkuName string = 'Standard_B1ms'

@description('PostgreSQL compute tier matching postgresSkuName.')
param postgresSkuTier string = 'Burstable'

@description('PostgreSQL administrator login.')
param postgresAdminLogin string = 'chatadmin'

@description('PostgreSQL administrator password, given at deploy time: letters and digits, 16 or more.')
@secure()
@minLength(16)
param postgresAdminPassword string

@description('Password of the database role the service runs as (chat_app), given at deploy time: letters and digits, 16 or more.')
@secure()
@minLength(16)
param postgresAppPassword string

@description('JWT signing key (base64 of at least 32 random bytes), given at deploy time. Empty keeps the one in Key Vault.')
@secure()
param jwtSigningKey string = ''

@description('Key sealing the webhooks\' signing secrets in the database (base64 of 32 random bytes), given once. Empty keeps the one in Key Vault; never change it (deploy/README.md).')
@secure()
param webhookSecretKey string = ''

@description('Versioned Key Vault ids of retired signing keys whose tokens stay valid until they expire (see deploy/README.md, key rotation).')
param previousJwtSigningKeyIds string[] = []

@description('Apply database migrations when a node starts.')
param migrateOnStartup bool = true

@description('Browser origins allowed to call the service from another origin.')
param corsAllowedOrigins string[] = []

@description('Bots to declare, each {userName, displayName?, provider, model?, endpoint?, systemPrompt?} (README, "Bots and streamed replies"). An openai bot reads its key from the vault secret bot-<userName>-api-key (deploy/README.md).')
param bots bot[] = []

@description('Web Push: the VAPID public key browsers subscribe with (base64url of the uncompressed P-256 point); empty leaves offline notifications off. Its private key is the vault secret push-vapid-private-key, set by the operator (deploy/README.md).')
param pushVapidPublicKey string = ''

@description('Web Push: where push services can reach the operator, a mailto: or https: URI; needed with pushVapidPublicKey.')
param pushSubject string = ''

@description('E-mail address that receives the alerts (node unhealthy, 5xx, PostgreSQL CPU and storage, Redis memory).')
param alertEmail string

@description('Object id of the CI/CD service principal, which may then read secrets back; empty for none.')
param deploymentPrincipalId string = ''

var suffix = uniqueString(resourceGroup().id)
var secretNames = {
  chatConnectionString: 'chat-connection-string'
  chatOwnerConnectionString: 'chat-owner-connection-string'
  redisConfiguration: 'redis-configuration'
  jwtSigningKey: 'jwt-signing-key'
  webhookSecretKey: 'webhook-secret-key'
  postgresAdminPassword: 'postgres-admin-password'
  postgresAppPassword: 'postgres-app-password'
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    workspaceName: 'log-${appName}-${suffix}'
    appInsightsName: 'appi-${appName}-${suffix}'
  }
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    location: location
    identityName: 'id-${appName}-${suffix}'
  }
}

module network 'modules/network.bicep' = {
  name: 'network'
  params: {
    location: location
    vnetName: 'vnet-${appName}-${suffix}'
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    vaultName: take('kv-${appName}-${suffix}', 24)
    appPrincipalId: identity.outputs.principalId
    deploymentPrincipalId: deploymentPrincipalId
    jwtSecretName: secretNames.jwtSigningKey
    jwtSigningKey: jwtSigningKey
    webhookSecretName: secretNames.webhookSecretKey
    webhookSecretKey: webhookSecretKey
  }
}

module postgres 'modules/postgres.bicep' = {
  name: 'postgres'
  params: {
    location: location
    serverName: 'psql-${appName}-${suffix}'
    version: postgresVersion
    skuName: postgresSkuName
    skuTier: postgresSkuTier
    adminLogin: postgresAdminLogin
    adminPassword: postgresAdminPassword
    vaultName: keyVault.outputs.name
    connectionStringSecretName: secretNames.chatConnectionString
    ownerConnectionStringSecretName: secretNames.chatOwnerConnectionString
    adminPasswordSecretName: secretNames.postgresAdminPassword
    appPasswordSecretName: secretNames.postgresAppPassword
    appPassword: postgresAppPassword
    subnetId: network.outputs.postgresSubnetId
    privateDnsZoneId: network.outputs.postgresZoneId
  }
}

module redis 'modules/redis.bicep' = {
  name: 'redis'
  params: {
    location: location
    redisName: 'redis-${appName}-${suffix}'
    skuName: redisSkuName
    capacity: redisCapacity
    vaultName: keyVault.outputs.name
    secretName: secretNames.redisConfiguration
    endpointsSubnetId: network.outputs.endpointsSubnetId
    privateDnsZoneId: network.outputs.redisZoneId
  }
}

module webApp 'modules/webapp.bicep' = {
  name: 'webapp'
  params: {
    location: location
    planName: 'asp-${appName}-${suffix}'
    webAppName: '${appName}-${suffix}'
    skuName: appServicePlanSku
    instanceCount: instanceCount
    identityId: identity.outputs.id
    appSubnetId: network.outputs.appSubnetId
    vaultUri: keyVault.outputs.uri
    secretNames: {
      chatConnectionString: secretNames.chatConnectionString
      chatOwnerConnectionString: secretNames.chatOwnerConnectionString
      redisConfiguration: secretNames.redisConfiguration
      jwtSigningKey: secretNames.jwtSigningKey
      webhookSecretKey: secretNames.webhookSecretKey
    }
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    workspaceId: monitoring.outputs.workspaceId
    migrateOnStartup: migrateOnStartup
    corsAllowedOrigins: corsAllowedOrigins
    previousJwtSigningKeyIds: previousJwtSigningKeyIds
    bots: bots
    pushVapidPublicKey: pushVapidPublicKey
    pushSubject: pushSubject
  }
  // The references must find their secrets on the first start.
  dependsOn: [
    postgres
    redis
  ]
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    alertEmail: alertEmail
    webAppName: webApp.outputs.name
    workspaceId: monitoring.outputs.workspaceId
    postgresServerName: postgres.outputs.name
    redisName: redis.outputs.name
  }
}

output webAppName string = webApp.outputs.name
output webAppUrl string = 'https://${webApp.outputs.defaultHostName}'
output keyVaultName string = keyVault.outputs.name
output postgresServerName string = postgres.outputs.name
output redisName string = redis.outputs.name
