import {
  apiTokenDisplayPrefix,
  encodeCursor,
  generateApiToken,
  hashApiToken,
  parseRepositoryRestriction,
} from '@berth/core';
import { ApiTokenStore } from '@berth/db';
import type { Stores } from '@berth/runtime';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Logger,
  Param,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { STORES } from '../../tokens.js';
import { type Principal, principalOf, type V1Request } from '../auth/principal.js';
import { RequireScope } from '../auth/scope.decorator.js';
import {
  type ApiTokenPage,
  ApiTokenPageSchema,
  ApiTokenSchema,
  type ApiTokenView,
  bodySchema,
  type CreatedApiToken,
  CreatedApiTokenSchema,
  CreateTokenRequestSchema,
  ProblemSchema,
} from '../openapi/schemas.js';
import { cursorParam, idParam, limitParam } from '../params.js';
import { ProblemException, notFound } from '../problem/problem.js';
import { tokenView } from './token-view.js';

const DAY_MS = 86_400_000;

/**
 * `/api/v1/tokens` (decision 0029; `berth token create|ls|revoke`): admin tokens without a
 * repository restriction manage tokens (a restricted admin could otherwise mint itself an
 * unrestricted one). The token is returned once, at creation; only its SHA-256 is stored.
 */
@ApiTags('tokens')
@Controller('api/v1/tokens')
export class TokensController {
  private readonly logger = new Logger('api-v1');
  private readonly tokens: ApiTokenStore;

  constructor(@Inject(STORES) stores: Stores) {
    this.tokens = new ApiTokenStore(stores.prisma);
  }

  @Post()
  @RequireScope('admin', { audited: true })
  @ApiOperation({ operationId: 'createToken', summary: 'Create a token (shown once)' })
  @ApiBody({ schema: bodySchema(CreateTokenRequestSchema) })
  @ApiCreatedResponse({ description: 'The new token', standardSchema: CreatedApiTokenSchema })
  async create(
    @Req() request: V1Request & { auditDetail?: string },
    @Body() body: unknown,
  ): Promise<CreatedApiToken> {
    const principal = unrestricted(principalOf(request));
    const parsed = CreateTokenRequestSchema.safeParse(body ?? {});
    if (!parsed.success) {
      const errors = parsed.error.issues.map((issue) => ({
        field: ['body', ...issue.path.map(String)].join('.'),
        message: issue.message,
      }));
      throw new ProblemException(
        'invalid-request',
        400,
        errors.map((e) => `${e.field}: ${e.message}`).join('; '),
        { errors, fix: 'e.g. {"name": "ci", "scope": "write", "repository": "acme/shop"}' },
      );
    }
    const { name, scope, repository, expiresInDays } = parsed.data;
    const problems: { field: string; message: string }[] = [];
    if (name.trim().length < 1 || name.length > 100) {
      problems.push({ field: 'body.name', message: 'must be 1 to 100 characters' });
    }
    const restriction = repository === undefined ? null : parseRepositoryRestriction(repository);
    if (repository !== undefined && restriction === null) {
      problems.push({ field: 'body.repository', message: 'must be owner/name or owner/*' });
    }
    if (expiresInDays !== undefined && (expiresInDays < 1 || expiresInDays > 3650)) {
      problems.push({ field: 'body.expiresInDays', message: 'must be from 1 to 3650' });
    }
    if (problems.length) {
      throw new ProblemException(
        'invalid-request',
        400,
        problems.map((p) => `${p.field}: ${p.message}`).join('; '),
        { errors: problems },
      );
    }
    const token = generateApiToken();
    const row = await this.tokens.create({
      name: name.trim(),
      tokenHash: hashApiToken(token),
      prefix: apiTokenDisplayPrefix(token),
      scope,
      repository: restriction,
      createdBy: principal.name,
      expiresAt: expiresInDays === undefined ? null : new Date(Date.now() + expiresInDays * DAY_MS),
    });
    request.auditTarget = row.id;
    request.auditDetail = `created ${scope} token ${row.name}${restriction ? ` for ${restriction}` : ''}`;
    // By id and prefix only: the token is a credential.
    this.logger.log({ msg: 'API token created', tokenId: row.id, prefix: row.prefix, scope });
    return { ...tokenView(row), token };
  }

  @Get()
  @RequireScope('admin')
  @ApiOperation({ operationId: 'listTokens', summary: 'List tokens, newest first' })
  @ApiQuery({ name: 'limit', required: false, type: 'integer' })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiOkResponse({ description: 'One page', standardSchema: ApiTokenPageSchema })
  async list(
    @Req() request: V1Request,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ): Promise<ApiTokenPage> {
    unrestricted(principalOf(request));
    const take = limitParam(limit);
    const after = cursorParam(cursor);
    const rows = await this.tokens.page(
      take + 1,
      after ? { createdAt: new Date(after.at), id: after.id } : undefined,
    );
    const page = rows.slice(0, take);
    const last = page.at(-1);
    return {
      tokens: page.map((row) => tokenView(row)),
      nextCursor:
        rows.length > take && last
          ? encodeCursor({ at: last.createdAt.toISOString(), id: last.id })
          : null,
    };
  }

  /** Idempotent: revoking a revoked token answers the same, with its first revocation time. */
  @Delete(':id')
  @HttpCode(200)
  @RequireScope('admin', { audited: true })
  @ApiOperation({ operationId: 'revokeToken', summary: 'Revoke a token (at once)' })
  @ApiOkResponse({ description: 'The revoked token', standardSchema: ApiTokenSchema })
  @ApiNotFoundResponse({ description: 'No such token', standardSchema: ProblemSchema })
  async revoke(@Req() request: V1Request, @Param('id') id: string): Promise<ApiTokenView> {
    unrestricted(principalOf(request));
    idParam(id, 'token');
    const row = await this.tokens.revoke(id, new Date());
    if (!row) throw notFound(`no token with id ${id}`);
    this.logger.log({ msg: 'API token revoked', tokenId: row.id, prefix: row.prefix });
    return tokenView(row);
  }
}

function unrestricted(principal: Principal): Principal {
  if (principal.restriction !== null) {
    throw new ProblemException(
      'forbidden',
      403,
      `${principal.name} is limited to ${principal.restriction}: only an unrestricted admin token manages tokens`,
    );
  }
  return principal;
}
