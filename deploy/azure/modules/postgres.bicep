// The source of truth: Azure Database for PostgreSQL Flexible Server with the database `chat`.
// The connection string (and the admin password, so a redeployment can pass it back) go into Key Vault.

@description('Azure region of the resources.')
param location string

@description('Flexible Server name (lowercase letters, digits and hyphens).')
param serverName string

@description('PostgreSQL major version.')
@allowed([
  '15'
  '16'
])
param version string = '16'

@description('Compute size, e.g. Standard_B1ms (Burstable) or Standard_D2ds_v5 (GeneralPurpose).')
param skuName string = 'Standard_B1ms'

@description('Compute tier matching skuName.')
@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param skuTier string = 'Burstable'

@description('Storage in GiB; it grows on its own when full.')
param storageSizeGB int = 32

@description('Administrator login; the service connects with it.')
param adminLogin string

@description('Administrator password: letters and digits only, so it needs no quoting in the connection string.')
@secure()
param adminPassword string

@description('Key Vault that receives the secrets.')
param vaultName string

@description('Name of the secret holding the Npgsql connection string.')
param connectionStringSecretName string

@description('Name of the secret holding the administrator password.')
param adminPasswordSecretName string

@description('Name of the secret holding the owner\'s connection string, which the migrations use.')
param ownerConnectionStringSecretName string

@description('Name of the secret holding the chat_app role\'s password, which a redeployment passes back.')
param appPasswordSecretName string

@description('Password of the role the service runs as (chat_app), created by the migrations.')
@secure()
param appPassword string

@description('Subnet delegated to PostgreSQL Flexible Server, where the server gets its private address.')
param subnetId string

@description('Private DNS zone that resolves the server\'s host name inside the network.')
param privateDnsZoneId string

var databaseName = 'chat'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: vaultName
}

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: serverName
  location: location
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: version
    administratorLogin: adminLogin
    administratorLoginPassword: adminPassword
    authConfig: {
      passwordAuth: 'Enabled'
      activeDirectoryAuth: 'Disabled'
    }
    storage: {
      storageSizeGB: storageSizeGB
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
    // Private access only: an address in the delegated subnet, nothing on the internet.
    network: {
      delegatedSubnetResourceId: subnetId
      privateDnsZoneArmResourceId: privateDnsZoneId
      publicNetworkAccess: 'Disabled'
    }
  }
}

// Azure refuses `create extension` for an extension this server parameter does not list, and the
// migrations create pg_trgm (room search, 0005): without it the first start-up fails.
resource extensions 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: server
  name: 'azure.extensions'
  properties: {
    value: 'PG_TRGM'
    source: 'user-override'
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: server
  name: databaseName
  // One change to the server at a time: Azure answers ServerIsBusy to a second one.
  dependsOn: [extensions]
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

// The server only accepts TLS; VerifyFull also checks its certificate and host name. The service
// runs as chat_app, which may read and write the tables and nothing more; the migrations, run as
// the administrator who owns the schema, create that role with this password and grant it that.
resource connectionStringSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: connectionStringSecretName
  properties: {
    value: 'Host=${server.properties.fullyQualifiedDomainName};Port=5432;Database=${database.name};SSL Mode=VerifyFull;Username=chat_app;Password=${appPassword}'
  }
}

resource ownerConnectionStringSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: ownerConnectionStringSecretName
  properties: {
    value: 'Host=${server.properties.fullyQualifiedDomainName};Port=5432;Database=${database.name};SSL Mode=VerifyFull;Username=${adminLogin};Password=${adminPassword}'
  }
}

resource appPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: appPasswordSecretName
  properties: {
    value: appPassword
  }
}

resource adminPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: adminPasswordSecretName
  properties: {
    value: adminPassword
  }
}

output name string = server.name
output fqdn string = server.properties.fullyQualifiedDomainName
