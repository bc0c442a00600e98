import { CostReportsService } from '../admin/cost-reports.service.js';
import { SecretLayersService } from '../admin/secret-layers.service.js';
import { EnvironmentsController } from '../environments/environments.controller.js';
import { ApiAccess } from './auth/api-access.js';
import { ApiAuthGuard } from './auth/api-auth.guard.js';
import { AuditInterceptor } from './audit/audit.interceptor.js';
import { AuditLogController } from './audit/audit-log.controller.js';
import { AuditRecorder } from './audit/audit-recorder.js';
import { CostsController } from './costs/costs.controller.js';
import { DeliveriesController } from './deliveries/deliveries.controller.js';
import { CommandQueues } from './environments/command-queues.js';
import { EnvironmentActionsController } from './environments/environment-actions.controller.js';
import { EnvironmentStatusController } from './environments/environment-status.controller.js';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor.js';
import { ProblemDetailsFilter } from './problem/problem-details.filter.js';
import { RepositoriesController } from './repositories/repositories.controller.js';
import { SecretsController } from './secrets/secrets.controller.js';
import { ShareLinksController } from './share-links/share-links.controller.js';
import { SystemController } from './system/system.controller.js';
import { TokensController } from './tokens/tokens.controller.js';
import { ChangeFeed } from './live/change-feed.js';
import { EnvironmentHistoryController } from './live/history.controller.js';
import { LiveController } from './live/live.controller.js';
import { LogStreams } from './live/log-streams.js';
import { SseStreams } from './live/sse-stream.js';

// The REST API v1 (decision 0029), wired into ApiModule as one list of each.

export const restApiControllers = [
  // Before EnvironmentsController: `/environments/events` is not an `/environments/:id`.
  LiveController,
  EnvironmentHistoryController,
  EnvironmentsController,
  EnvironmentActionsController,
  EnvironmentStatusController,
  ShareLinksController,
  RepositoriesController,
  TokensController,
  AuditLogController,
  // Operator routes (decision 0031).
  SecretsController,
  CostsController,
  DeliveriesController,
  SystemController,
];

export const restApiProviders = [
  ApiAccess,
  ApiAuthGuard,
  AuditRecorder,
  AuditInterceptor,
  IdempotencyInterceptor,
  ProblemDetailsFilter,
  CommandQueues,
  ChangeFeed,
  LogStreams,
  SseStreams,
  // Shared with /admin/v1 (decision 0031).
  SecretLayersService,
  CostReportsService,
];

export { serveOpenApi, buildOpenApiDocument } from './openapi/openapi.js';
