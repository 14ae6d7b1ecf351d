// Co-op Claims on Azure: the production shape. Started from the bot template `atk new -c bot` generates
// (user-assigned identity, App Service, Azure Bot on that identity) and adapted:
// Linux App Service on Node 20 running `npm start`; Azure Database for PostgreSQL flexible server (DATABASE_URL);
// Key Vault holding DATABASE_URL and FILE_LINK_SECRET, read by the app through Key Vault references as the same
// identity; Application Insights (workspace-based) for telemetry. The bot and Microsoft Graph authenticate as the
// managed identity: no client secret exists.

@maxLength(20)
@minLength(4)
@description('Used to generate names for all resources in this file')
param resourceBaseName string

param webAppSku string = 'B1'
param location string = resourceGroup().location

@maxLength(42)
param botDisplayName string

@secure()
@description('Signs document links (FILE_LINK_SECRET); made once by scripts/deploymentSecrets.js')
param fileLinkSecret string

@secure()
@description('PostgreSQL administrator password; made once by scripts/deploymentSecrets.js')
param postgresAdminPassword string

@description('Tenants allowed to use the bot, comma-separated; empty = the tenant of the managed identity')
param allowedTenantIds string = ''

param postgresSkuName string = 'Standard_B1ms'
param postgresSkuTier string = 'Burstable'
param postgresStorageSizeGB int = 32

var postgresAdminLogin = 'coopadmin'
var databaseName = 'coop_claims'
// The flexible server requires three character classes; the generated secret is base64url, so a fixed prefix
// guarantees them without weakening the random part.
var postgresPassword = 'Cc1-${postgresAdminPassword}'
var keyVaultName = 'kv${uniqueString(resourceGroup().id, resourceBaseName)}'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  location: location
  name: resourceBaseName
}

// --- Telemetry ---------------------------------------------------------------------------------------------

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
  name: '${resourceBaseName}-logs'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${resourceBaseName}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
  }
}

// --- Database ----------------------------------------------------------------------------------------------

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: '${resourceBaseName}-pg'
  location: location
  sku: {
    name: postgresSkuName
    tier: postgresSkuTier
  }
  properties: {
    version: '16'
    administratorLogin: postgresAdminLogin
    administratorLoginPassword: postgresPassword
    storage: {
      storageSizeGB: postgresStorageSizeGB
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: postgres
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

// 0.0.0.0–0.0.0.0 is Azure's rule for "allow Azure services": App Service's outbound addresses reach the server,
// the internet does not. Put both in a virtual network for stricter isolation.
resource postgresAllowAzure 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: postgres
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

// --- Secrets -----------------------------------------------------------------------------------------------

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
  }
}

resource fileLinkSecretEntry 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: 'FILE-LINK-SECRET'
  properties: {
    value: fileLinkSecret
  }
}

resource databaseUrlEntry 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: 'DATABASE-URL'
  properties: {
    value: 'postgresql://${postgresAdminLogin}:${postgresPassword}@${postgres.properties.fullyQualifiedDomainName}:5432/${databaseName}?sslmode=require'
  }
}

// Key Vault Secrets User: the app reads secret values as its managed identity, nothing more.
resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, identity.id, '4633458b-17de-408a-b874-0445c86b69e6')
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// --- The bot ------------------------------------------------------------------------------------------------

resource serverfarm 'Microsoft.Web/serverfarms@2022-09-01' = {
  kind: 'linux'
  location: location
  name: resourceBaseName
  sku: {
    name: webAppSku
  }
  properties: {
    reserved: true // Linux
  }
}

resource webApp 'Microsoft.Web/sites@2022-09-01' = {
  kind: 'app,linux'
  location: location
  name: resourceBaseName
  properties: {
    serverFarmId: serverfarm.id
    httpsOnly: true
    // Key Vault references in the app settings are resolved as this identity.
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      appCommandLine: 'npm start'
      alwaysOn: true
      // An instance whose database or outbox is not ready is taken out of rotation (GET /readyz).
      healthCheckPath: '/readyz'
      ftpsState: 'FtpsOnly'
      minTlsVersion: '1.2'
    }
  }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
}

// Set apart from the site so PUBLIC_BASE_URL can use the host name Azure assigned to it.
resource webAppSettings 'Microsoft.Web/sites/config@2022-09-01' = {
  parent: webApp
  name: 'appsettings'
  properties: {
    WEBSITE_RUN_FROM_PACKAGE: '1'
    SCM_DO_BUILD_DURING_DEPLOYMENT: 'false'
    MicrosoftAppId: identity.properties.clientId
    MicrosoftAppType: 'UserAssignedMSI'
    MicrosoftAppTenantId: identity.properties.tenantId
    ALLOWED_TENANT_IDS: empty(allowedTenantIds) ? identity.properties.tenantId : allowedTenantIds
    PUBLIC_BASE_URL: 'https://${webApp.properties.defaultHostName}'
    DATABASE_URL: '@Microsoft.KeyVault(SecretUri=${databaseUrlEntry.properties.secretUri})'
    FILE_LINK_SECRET: '@Microsoft.KeyVault(SecretUri=${fileLinkSecretEntry.properties.secretUri})'
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
    // The site's code is a read-only package; /home is the persistent storage every instance shares.
    DATA_DIR: '/home/data'
  }
  dependsOn: [
    secretsUser
    database
    postgresAllowAzure
  ]
}

// Register the web service as a bot with the Bot Framework, on the managed identity, with the Teams channel.
module azureBotRegistration './botRegistration/azurebot.bicep' = {
  name: 'Azure-Bot-registration'
  params: {
    resourceBaseName: resourceBaseName
    botDisplayName: botDisplayName
    identityResourceId: identity.id
    identityClientId: identity.properties.clientId
    identityTenantId: identity.properties.tenantId
    botAppDomain: webApp.properties.defaultHostName
  }
}

// Persisted in env/.env.dev by the Toolkit (arm/deploy).
output AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
output BOT_ID string = identity.properties.clientId
output BOT_TENANT_ID string = identity.properties.tenantId
