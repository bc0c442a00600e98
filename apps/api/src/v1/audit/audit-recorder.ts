import { AuditLogStore } from '@berth/db';
import type { Stores } from '@berth/runtime';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { STORES } from '../../tokens.js';
import type { Principal, V1Request } from '../auth/principal.js';

const DETAIL_MAX = 500;

/**
 * Appends REST actions to the audit log (decision 0029): actor (token id and name), time,
 * route, target, the status answered and its outcome. Awaited: an action the log cannot
 * record is reported as failed rather than left unaccounted for.
 */
@Injectable()
export class AuditRecorder {
  private readonly logger = new Logger('api-v1');
  private readonly log: AuditLogStore;

  constructor(@Inject(STORES) stores: Stores) {
    this.log = new AuditLogStore(stores.prisma);
  }

  async record(
    request: V1Request,
    principal: Principal,
    status: number,
    detail: string | null,
  ): Promise<void> {
    const route = `/${(request.route?.path ?? request.url.split('?')[0] ?? '').replace(/^\/+/, '')}`;
    const target = request.auditTarget ?? request.params?.['id'] ?? null;
    try {
      await this.log.append({
        actorId: principal.id,
        actorName: principal.name,
        method: request.method,
        route,
        target,
        status,
        outcome: status < 400 ? 'succeeded' : status < 500 ? 'refused' : 'failed',
        detail: detail === null ? null : detail.slice(0, DETAIL_MAX),
      });
    } catch (error) {
      this.logger.error(
        { err: error, route, actor: principal.id },
        'could not write the audit log',
      );
      throw error;
    }
  }
}
