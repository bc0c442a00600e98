// The one place the generated Prisma client is imported (prisma/generated is written by
// `prisma generate`, run from postinstall). Everything else imports @berth/db.
// eslint-disable-next-line @nx/enforce-module-boundaries -- generated code lives in prisma/generated, outside every Nx project
export {
  PrismaClient,
  Prisma,
  AccessMode,
  DeliveryOutcome,
  EnvironmentState,
  ResourceKind,
  ResourceProvider,
  ResourceState,
  Stage,
  StageRunStatus,
} from '../../../prisma/generated/client/client.js';
// eslint-disable-next-line @nx/enforce-module-boundaries -- generated code lives in prisma/generated, outside every Nx project
export type {
  ApiAuditEntry,
  ApiToken,
  Environment,
  LifecycleEvent,
  OutboxJob,
  Repository,
  Resource,
  Revision,
  Route,
  ShareLink,
  StageRun,
  WebhookDelivery,
} from '../../../prisma/generated/client/client.js';
