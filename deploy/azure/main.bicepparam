using './main.bicep'

// No secret is written here: the secure parameters are read from the environment of the
// shell that runs `az deployment group create` (see deploy/README.md).

param appName = 'chat-prod'
param instanceCount = int(readEnvironmentVariable('CHAT_INSTANCE_COUNT', '2'))
param appServicePlanSku = 'P0v3'
param redisSkuName = 'Standard'
param redisCapacity = 1
param postgresVersion = '16'
param postgresSkuName = 'Standard_B1ms'
param postgresSkuTier = 'Burstable'
param migrateOnStartup = true
param deploymentPrincipalId = readEnvironmentVariable('CHAT_DEPLOYMENT_PRINCIPAL_ID', '')
param alertEmail = readEnvironmentVariable('CHAT_ALERT_EMAIL', 'ops@example.com')
// Offline notifications (Web Push): not secrets; the private key is a vault secret (deploy/README.md).
param pushVapidPublicKey = readEnvironmentVariable('CHAT_PUSH_VAPID_PUBLIC_KEY', '')
param pushSubject = readEnvironmentVariable('CHAT_PUSH_SUBJECT', '')

param postgresAdminPassword = readEnvironmentVariable('CHAT_POSTGRES_ADMIN_PASSWORD')
param postgresAppPassword = readEnvironmentVariable('CHAT_POSTGRES_APP_PASSWORD')
param jwtSigningKey = readEnvironmentVariable('CHAT_JWT_SIGNING_KEY', '')
param webhookSecretKey = readEnvironmentVariable('CHAT_WEBHOOK_SECRET_KEY', '')
// During a key rotation: the versioned id of the key being retired (not a secret, only where it is).
param previousJwtSigningKeyIds = empty(readEnvironmentVariable('CHAT_PREVIOUS_JWT_KEY_ID', ''))
  ? []
  : [readEnvironmentVariable('CHAT_PREVIOUS_JWT_KEY_ID', '')]
