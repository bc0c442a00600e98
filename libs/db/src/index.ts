export * from './generated.js';
export {
  DatabaseUrlError,
  describeConnection,
  parseDatabaseUrl,
  type PgConnectionOptions,
} from './connection-options.js';
export {
  connectionOf,
  createPrismaClient,
  type CreatePrismaClientOptions,
  poolOf,
  warmPool,
} from './prisma-client.js';
export { checkDatabase, DatabaseUnavailableError } from './check-database.js';
export { migrationStatus, type MigrationStatus } from './migration-status.js';
export {
  migrateDeploy,
  MigrationError,
  type MigrateDeployOptions,
  type MigrateDeployResult,
} from './migrate.js';
export { PrismaService } from './prisma.service.js';
export { type Tx } from './transaction.js';
export {
  INBOX_CHANNEL,
  type IncomingDelivery,
  type InboxDelivery,
  WebhookInbox,
} from './inbox/webhook-inbox.js';
export {
  Outbox,
  OUTBOX_CHANNEL,
  type OutboxEntry,
  type PendingOutboxEntry,
} from './outbox/outbox.js';
export { EnvironmentLeases } from './environments/environment-lease.js';
export {
  type PullRequestEnvironment,
  pullRequestEnvironment,
} from './environments/pull-request-environment.js';
export {
  type EnvironmentRow,
  EnvironmentStore,
  type EnvironmentWrite,
  type LifecycleEventWrite,
  type RepositoryFacts,
} from './environments/environment-store.js';
export { listen } from './notify/pg-listener.js';
export { ConvergenceQueries, type StuckEnvironment } from './environments/convergence-queries.js';
export {
  type ResyncRepository,
  type ResyncRepositoryFilter,
  ResyncQueries,
} from './resync/resync-queries.js';
export { type ExpiryDisplay, type TtlCandidate, TtlQueries } from './environments/ttl-queries.js';
export { type IdleCandidate, SleepQueries } from './environments/sleep-queries.js';
export {
  type EnvironmentFilter,
  EnvironmentQueries,
  type RevisionWithRuns,
} from './environments/environment-queries.js';
export {
  type RouteAccess,
  type RouteOwner,
  type RouteSleep,
  RouteStore,
  type RouteTarget,
} from './routes/route-store.js';
export { RevisionStore } from './revisions/revision-store.js';
export { StageRunStore, type StageRunWrite } from './revisions/stage-run-store.js';
export { BuildLogStore, type BuildLogView } from './revisions/build-log-store.js';
export { CheckRunStore, type CheckRunRow } from './checks/check-run-store.js';
export { FEED_ONLY_EVENT_KINDS, LifecycleEventStore } from './events/lifecycle-event-store.js';
export { type PlannedResource, ResourceLedger } from './ledger/resource-ledger.js';
export { type SubnetClaim, SubnetLedger, slotOf } from './ledger/subnet-ledger.js';
export {
  type LedgerTarget,
  type ReconciledKind,
  type ReconcileEnvironmentRow,
  type ReconcileNote,
  ReconcileQueries,
  type ReconcileRow,
} from './ledger/reconcile-queries.js';
export {
  type AdmissionFacts,
  type AdmissionWaitRow,
  HostMemoryLedger,
  type MemoryReservation,
} from './ledger/host-memory-ledger.js';
export { GLOBAL_SCOPE, PostgresSecretStore } from './secrets/postgres-secret-store.js';
export {
  type MasterKeys,
  type RotationReport,
  ringOf,
  rotateMasterKey,
} from './secrets/sealed-rows.js';
export {
  ScopedSecretStore,
  type ScopedEntryView,
  type ScopedWrite,
} from './secrets/scoped-secret-store.js';
export { PostgresPreviewScopes } from './secrets/postgres-preview-scopes.js';
export { accessModesOf, RepositorySettingsStore } from './settings/repository-settings-store.js';
export { type SlackMessageRow, SlackMessageStore } from './slack/slack-message-store.js';
export {
  type NewShareLink,
  type ShareableEnvironment,
  ShareLinkStore,
} from './share-links/share-link-store.js';
export {
  type NewSsoSession,
  type RedeemedCode,
  SSO_REVOCATIONS_CHANNEL,
  type SsoSessionFilter,
  type SsoSessionRow,
  SsoStore,
  type SsoTarget,
} from './sso/sso-store.js';
export { type SnapshotRegistration, SnapshotStore } from './snapshots/snapshot-store.js';
export {
  type CursorAdvance,
  type SampledEnvironment,
  type UsageAddition,
  type UsageBaseline,
  UsageStore,
} from './usage/usage-store.js';
export { ServiceStatusStore, type ServiceStatusRow } from './usage/service-status-store.js';
export {
  CostQueries,
  type DayUsageRow,
  type EnvironmentUsageRow,
  type RepositoryUsageRow,
  type UsageFilter,
  type UsageTotals,
} from './usage/cost-queries.js';
export { ApiTokenStore, type NewApiToken } from './api/api-token-store.js';
export { type AuditFilter, AuditLogStore, type AuditWrite } from './api/audit-log-store.js';
export { type IdempotencyClaim, IdempotencyStore } from './api/idempotency-store.js';
export {
  EnvironmentPages,
  type EnvironmentPageQuery,
  restrictionWhere,
} from './api/environment-page.js';
export { restrictionSql } from './api/restriction-sql.js';
export {
  type DeliveryPageQuery,
  DeliveryQueries,
  type DeliveryRow,
  redeliveryRoot,
  type StoredDelivery,
} from './inbox/delivery-queries.js';
export { type HostUsage, HostUsageQueries } from './system/host-usage-queries.js';
