import { Body, Controller, Delete, Get, Inject, Param, Put, Req } from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { SecretLayersService } from '../../admin/secret-layers.service.js';
import { principalOf, type V1Request } from '../auth/principal.js';
import { RequireScope } from '../auth/scope.decorator.js';
import {
  type SecretChange,
  SecretChangeSchema,
  type SecretList,
  SecretListSchema,
  SecretWriteSchema,
} from '../openapi/operator-schemas.js';
import { bodySchema, ProblemSchema } from '../openapi/schemas.js';
import { visibleRepository } from '../repositories/visible-repository.js';
import { scopeLabel, secretScopeParam } from './secret-scope-param.js';

type AuditedRequest = V1Request & { auditDetail?: string };

const SCOPE_PARAM = {
  name: 'scope',
  description: '`installation`, `repository` or `pr-<number>`',
} as const;

/**
 * `/api/v1/repositories/:owner/:name/secrets` (decision 0031): the operator's secret layers
 * through the admin API's SecretLayersService. Names for `read`; values are write-only and need
 * `admin`. A value is never answered, logged, audited or kept for idempotency replays (only its
 * request's SHA-256 is, as for every idempotent action): the audit log names the secret only.
 */
@ApiTags('secrets')
@Controller('api/v1/repositories')
export class SecretsController {
  constructor(@Inject(SecretLayersService) private readonly secrets: SecretLayersService) {}

  @Get(':owner/:name/secrets')
  @RequireScope('read')
  @ApiOperation({
    operationId: 'listSecrets',
    summary: "Secret names of every scope that reaches a repository's previews (never values)",
  })
  @ApiOkResponse({ description: 'Names, kinds and update times', standardSchema: SecretListSchema })
  @ApiNotFoundResponse({
    description: 'Not a repository the token may see',
    standardSchema: ProblemSchema,
  })
  @ApiConflictResponse({
    description: 'Secret layers are off (no BERTH_MASTER_KEY)',
    standardSchema: ProblemSchema,
  })
  async list(
    @Req() request: V1Request,
    @Param('owner') owner: string,
    @Param('name') name: string,
  ): Promise<SecretList> {
    const repository = visibleRepository(principalOf(request), owner, name);
    const entries = await this.secrets.listRepository(repository);
    return {
      repository,
      secrets: entries.map((e) => ({
        scope: scopeLabel(e.layer, e.pullRequest),
        name: e.name,
        kind: e.kind,
        ...(e.reference ? { reference: e.reference } : {}),
        updatedAt: e.updatedAt,
      })),
    };
  }

  @Put(':owner/:name/secrets/:scope/:key')
  @RequireScope('admin', { audited: true, idempotent: true })
  @ApiOperation({
    operationId: 'setSecret',
    summary: 'Set a secret value or reference; the value is write-only',
  })
  @ApiParam(SCOPE_PARAM)
  @ApiBody({ schema: bodySchema(SecretWriteSchema) })
  @ApiOkResponse({ description: 'What changed, by name', standardSchema: SecretChangeSchema })
  @ApiNotFoundResponse({
    description: 'Not a repository the token may see',
    standardSchema: ProblemSchema,
  })
  async set(
    @Req() request: AuditedRequest,
    @Param('owner') owner: string,
    @Param('name') name: string,
    @Param('scope') scope: string,
    @Param('key') key: string,
    @Body() body: unknown,
  ): Promise<SecretChange> {
    const principal = principalOf(request);
    const repository = visibleRepository(principal, owner, name);
    const where = secretScopeParam(scope, repository, principal);
    request.auditTarget = repository;
    // The name only: the body (the value) never reaches the audit log.
    request.auditDetail = `set secret ${where.label}/${key}`;
    const set = await this.secrets.set(where.layer, where.target, key, body);
    return { repository, scope: where.label, name: set.name, kind: set.kind };
  }

  @Delete(':owner/:name/secrets/:scope/:key')
  @RequireScope('admin', { audited: true, idempotent: true })
  @ApiOperation({ operationId: 'deleteSecret', summary: 'Remove a secret from a scope' })
  @ApiParam(SCOPE_PARAM)
  @ApiOkResponse({ description: 'Removed', standardSchema: SecretChangeSchema })
  @ApiNotFoundResponse({
    description: 'Not a repository the token may see, or no such secret',
    standardSchema: ProblemSchema,
  })
  async remove(
    @Req() request: AuditedRequest,
    @Param('owner') owner: string,
    @Param('name') name: string,
    @Param('scope') scope: string,
    @Param('key') key: string,
  ): Promise<SecretChange> {
    const principal = principalOf(request);
    const repository = visibleRepository(principal, owner, name);
    const where = secretScopeParam(scope, repository, principal);
    request.auditTarget = repository;
    request.auditDetail = `removed secret ${where.label}/${key}`;
    await this.secrets.remove(where.layer, where.target, key);
    return { repository, scope: where.label, name: key, removed: true };
  }
}
