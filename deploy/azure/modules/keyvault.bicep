// The vault that holds every secret of the service. Access is by Azure RBAC only: the app's
// identity may read secrets, and so may the deployment principal when one is named (the pipeline
// reads the PostgreSQL password back so that a redeployment keeps it).

@description('Azure region of the resources.')
param location string

@description('Key Vault name (3-24 letters, digits and hyphens).')
@minLength(3)
@maxLength(24)
param vaultName string

@description('Principal id of the web app\'s managed identity.')
param appPrincipalId string

@description('Principal id of the CI/CD service principal; empty for none.')
param deploymentPrincipalId string = ''

@description('Name of the secret holding the JWT signing key.')
param jwtSecretName string

@description('Base64 of at least 32 random bytes. Empty keeps the secret as it is in the vault.')
@secure()
param jwtSigningKey string = ''

@description('Name of the secret holding the key that seals webhook secrets.')
param webhookSecretName string

@description('Base64 of 32 random bytes. Empty keeps the secret as it is in the vault.')
@secure()
param webhookSecretKey string = ''

// Built-in role "Key Vault Secrets User": read secret values, nothing else.
var secretsUserRoleId = subscriptionResourceId(
  'Microsoft.Authorization/roleDefinitions',
  '4633458b-17de-408a-b874-0445c86b69e6'
)

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: vaultName
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // A deleted signing key or connection string can always be recovered; this cannot be undone.
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource appCanReadSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appPrincipalId, secretsUserRoleId)
  scope: vault
  properties: {
    roleDefinitionId: secretsUserRoleId
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource deployerCanReadSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deploymentPrincipalId)) {
  name: guid(vault.id, deploymentPrincipalId, secretsUserRoleId)
  scope: vault
  properties: {
    roleDefinitionId: secretsUserRoleId
    principalId: deploymentPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Written only when a key is given, so that a routine redeployment never rotates it by accident.
resource jwtSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(jwtSigningKey)) {
  parent: vault
  name: jwtSecretName
  properties: {
    value: jwtSigningKey
    contentType: 'base64'
  }
}

// Written only when a key is given: a webhook secret sealed with one key cannot be opened with
// another, so this key is set once and never rotated by a deployment.
resource webhookSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(webhookSecretKey)) {
  parent: vault
  name: webhookSecretName
  properties: {
    value: webhookSecretKey
    contentType: 'base64'
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
