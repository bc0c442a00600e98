import { AuditLogStore } from '@berth/db';
import type { Stores } from '@berth/runtime';
import { Controller, Get, Inject, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { STORES } from '../../tokens.js';
import { principalOf, type V1Request } from '../auth/principal.js';
import { RequireScope } from '../auth/scope.decorator.js';
import { type AuditPage, AuditPageSchema } from '../openapi/schemas.js';
import { limitParam } from '../params.js';
import { invalid, ProblemException } from '../problem/problem.js';

/**
 * `GET /api/v1/audit` (decision 0029): every action of the REST API, the admin API and PR
 * chat-ops, newest first. Its cursor is the last
 * entry's id (entries only grow), still opaque to clients.
 */
@ApiTags('audit')
@Controller('api/v1/audit')
export class AuditLogController {
  private readonly log: AuditLogStore;

  constructor(@Inject(STORES) stores: Stores) {
    this.log = new AuditLogStore(stores.prisma);
  }

  @Get()
  @RequireScope('admin')
  @ApiOperation({
    operationId: 'listAuditLog',
    summary: 'Every action (REST, admin API, PR chat-ops), newest first',
  })
  @ApiQuery({ name: 'actor', required: false, description: 'a token id' })
  @ApiQuery({ name: 'limit', required: false, type: 'integer' })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiOkResponse({ description: 'One page', standardSchema: AuditPageSchema })
  async list(
    @Req() request: V1Request,
    @Query('actor') actor?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ): Promise<AuditPage> {
    const principal = principalOf(request);
    if (principal.restriction !== null) {
      throw new ProblemException(
        'forbidden',
        403,
        `${principal.name} is limited to ${principal.restriction}: the audit log needs an unrestricted admin token`,
      );
    }
    const take = limitParam(limit);
    let beforeId: bigint | undefined;
    if (cursor) {
      const decoded = /^a(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (!decoded?.[1]) throw invalid('query.cursor', 'is not a cursor this API handed out');
      beforeId = BigInt(decoded[1]);
    }
    const rows = await this.log.list({
      ...(actor ? { actorId: actor } : {}),
      ...(beforeId === undefined ? {} : { beforeId }),
      limit: take + 1,
    });
    const page = rows.slice(0, take);
    const last = page.at(-1);
    return {
      entries: page.map((row) => ({
        id: row.id.toString(),
        at: row.at.toISOString(),
        actorId: row.actorId,
        actorName: row.actorName,
        method: row.method,
        route: row.route,
        target: row.target,
        status: row.status,
        outcome: row.outcome as AuditPage['entries'][number]['outcome'],
        detail: row.detail,
      })),
      nextCursor:
        rows.length > take && last ? Buffer.from(`a${last.id}`).toString('base64url') : null,
    };
  }
}
