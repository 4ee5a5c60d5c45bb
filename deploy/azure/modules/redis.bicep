// The SignalR backplane and the shared presence and typing state: Azure Cache for Redis, reachable
// over TLS only (port 6380). Its connection string goes straight into Key Vault.

@description('Azure region of the resources.')
param location string

@description('Azure Cache for Redis name.')
param redisName string

@description('Basic has no replica and no SLA; Standard is the smallest for production.')
@allowed([
  'Basic'
  'Standard'
  'Premium'
])
param skuName string = 'Standard'

@description('Cache size: 0-6 for Basic and Standard (C0-C6), 1-5 for Premium (P1-P5).')
@minValue(0)
@maxValue(6)
param capacity int = 1

@description('Key Vault that receives the connection string.')
param vaultName string

@description('Name of the secret holding the StackExchange.Redis configuration string.')
param secretName string

@description('Subnet of the private endpoint through which the web app reaches the cache.')
param endpointsSubnetId string

@description('Private DNS zone that resolves the cache\'s host name to its private endpoint.')
param privateDnsZoneId string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: vaultName
}

resource redis 'Microsoft.Cache/redis@2024-11-01' = {
  name: redisName
  location: location
  properties: {
    sku: {
      name: skuName
      family: skuName == 'Premium' ? 'P' : 'C'
      capacity: capacity
    }
    enableNonSslPort: false
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Disabled'
    redisVersion: '6'
  }
}

// The cache's only way in: a private address in the network, under its usual host name.
resource endpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pe-${redisName}'
  location: location
  properties: {
    subnet: {
      id: endpointsSubnetId
    }
    privateLinkServiceConnections: [
      {
        name: 'redis'
        properties: {
          privateLinkServiceId: redis.id
          groupIds: ['redisCache']
        }
      }
    ]
  }
}

resource endpointDns 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: endpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: 'redis'
        properties: {
          privateDnsZoneId: privateDnsZoneId
        }
      }
    ]
  }
}

// StackExchange.Redis syntax, as Redis__Configuration expects it. abortConnect=False lets a node
// start (and report itself unready) while the cache is still coming up or failing over.
resource redisSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: secretName
  properties: {
    value: '${redis.properties.hostName}:${redis.properties.sslPort},ssl=True,abortConnect=False,password=${redis.listKeys().primaryKey}'
  }
}

output name string = redis.name
