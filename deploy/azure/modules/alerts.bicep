// Alert rules, all sent to one action group that e-mails the operators: on the platform's metrics
// (a node failing its health check, 5xx answers, PostgreSQL busy or filling up, Redis memory
// running short) and on the service's own counters, which the nodes send to Application Insights
// a minute at a time (connections cut off, storage failures answered `unavailable`, slow acks).

@description('E-mail address that receives every alert.')
param alertEmail string

@description('Names of the resources the alerts watch.')
param webAppName string

@description('Log Analytics workspace that holds the service\'s own metrics (table AppMetrics).')
param workspaceId string
param postgresServerName string
param redisName string

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: webAppName
}

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' existing = {
  name: postgresServerName
}

resource redis 'Microsoft.Cache/redis@2024-03-01' existing = {
  name: redisName
}

resource operators 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-${webAppName}'
  location: 'global'
  properties: {
    groupShortName: 'chat-ops'
    enabled: true
    emailReceivers: [
      {
        name: 'operators'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

// One rule per line: what it watches, the metric, how it is aggregated, the threshold, the severity.
var rules = [
  {
    name: 'node-unhealthy'
    description: 'An instance fails /health/ready (PostgreSQL or Redis out of its reach, or the node down).'
    scope: site.id
    metric: 'HealthCheckStatus'
    aggregation: 'Average'
    operator: 'LessThan'
    threshold: 100
    severity: 1
  }
  {
    name: 'http-5xx'
    description: 'The service answers 5xx: `unavailable` while its database or Redis is away, or a fault.'
    scope: site.id
    metric: 'Http5xx'
    aggregation: 'Total'
    operator: 'GreaterThan'
    threshold: 20
    severity: 2
  }
  {
    name: 'postgres-cpu'
    description: 'PostgreSQL above 80 % CPU: acks slow down and batches grow.'
    scope: postgres.id
    metric: 'cpu_percent'
    aggregation: 'Average'
    operator: 'GreaterThan'
    threshold: 80
    severity: 2
  }
  {
    name: 'postgres-storage'
    description: 'PostgreSQL storage above 85 %: messages and attachments will stop being stored.'
    scope: postgres.id
    metric: 'storage_percent'
    aggregation: 'Average'
    operator: 'GreaterThan'
    threshold: 85
    severity: 1
  }
  {
    name: 'redis-memory'
    description: 'Redis memory above 85 %: the backplane and the shared budgets are at risk.'
    scope: redis.id
    metric: 'usedmemorypercentage'
    aggregation: 'Maximum'
    operator: 'GreaterThan'
    threshold: 85
    severity: 2
  }
]

resource alerts 'Microsoft.Insights/metricAlerts@2018-03-01' = [
  for rule in rules: {
    name: '${webAppName}-${rule.name}'
    location: 'global'
    properties: {
      description: rule.description
      severity: rule.severity
      enabled: true
      scopes: [rule.scope]
      evaluationFrequency: 'PT1M'
      windowSize: 'PT5M'
      criteria: {
        'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
        allOf: [
          {
            criterionType: 'StaticThresholdCriterion'
            name: rule.name
            metricName: rule.metric
            timeAggregation: rule.aggregation
            operator: rule.operator
            threshold: rule.threshold
          }
        ]
      }
      actions: [
        {
          actionGroupId: operators.id
        }
      ]
    }
  }
]

// The service's counters, read from the workspace: each query answers one row per breach.
var counterRules = [
  {
    name: 'connections-cut-off'
    description: 'More than 50 connections cut off in 5 minutes for not taking their data: clients on a bad network, or a node too slow to write.'
    query: 'AppMetrics | where Name == "chat.connections.cut_off" | summarize CutOff = sum(Sum) | where CutOff > 50'
    severity: 2
  }
  {
    name: 'storage-failures'
    description: 'Database calls failing (sends answered `unavailable`) in the last 5 minutes.'
    query: 'AppMetrics | where Name == "chat.database.errors" | summarize Failures = sum(Sum) | where Failures > 10'
    severity: 1
  }
  {
    name: 'slow-acks'
    description: 'A minute in which acks took 500 ms on average: Azure Monitor gets no percentiles, so this stands for the p99 the service promises under 50 ms.'
    query: 'AppMetrics | where Name == "chat.messages.ack_latency" | summarize Average = sum(Sum) / sum(ItemCount) by bin(TimeGenerated, 1m) | where Average > 500'
    severity: 2
  }
]

resource counterAlerts 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = [
  for rule in counterRules: {
    name: '${webAppName}-${rule.name}'
    location: resourceGroup().location
    properties: {
      description: rule.description
      severity: rule.severity
      enabled: true
      scopes: [workspaceId]
      evaluationFrequency: 'PT5M'
      windowSize: 'PT5M'
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: 'Count'
            operator: 'GreaterThan'
            threshold: 0
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      actions: {
        actionGroups: [operators.id]
      }
    }
  }
]
