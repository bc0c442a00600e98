import { EnvironmentsController } from '../environments/environments.controller.js';
import { ApiAccess } from './auth/api-access.js';
import { ApiAuthGuard } from './auth/api-auth.guard.js';
import { AuditInterceptor } from './audit/audit.interceptor.js';
import { AuditLogController } from './audit/audit-log.controller.js';
import { AuditRecorder } from './audit/audit-recorder.js';
import { CommandQueues } from './environments/command-queues.js';
import { EnvironmentActionsController } from './environments/environment-actions.controller.js';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor.js';
import { ProblemDetailsFilter } from './problem/problem-details.filter.js';
import { RepositoriesController } from './repositories/repositories.controller.js';
import { ShareLinksController } from './share-links/share-links.controller.js';
import { TokensController } from './tokens/tokens.controller.js';

// The REST API v1 (decision 0029), wired into ApiModule as one list of each.

export const restApiControllers = [
  EnvironmentsController,
  EnvironmentActionsController,
  ShareLinksController,
  RepositoriesController,
  TokensController,
  AuditLogController,
];

export const restApiProviders = [
  ApiAccess,
  ApiAuthGuard,
  AuditRecorder,
  AuditInterceptor,
  IdempotencyInterceptor,
  ProblemDetailsFilter,
  CommandQueues,
];

export { serveOpenApi, buildOpenApiDocument } from './openapi/openapi.js';
