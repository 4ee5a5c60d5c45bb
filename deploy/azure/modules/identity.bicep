// The identity the web app uses to read its secrets from Key Vault. User-assigned, so the vault's
// role assignment exists before the app does and the first start already resolves its references.

@description('Azure region of the resources.')
param location string

@description('Managed identity name.')
param identityName string

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: identityName
  location: location
}

output id string = identity.id
output principalId string = identity.properties.principalId
