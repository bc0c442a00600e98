import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { Observable } from 'rxjs';
import { AuditRecorder } from '../v1/audit/audit-recorder.js';
import { recordAnswer } from '../v1/audit/record-answer.js';
import { BOOTSTRAP_ADMIN, type V1Request } from '../v1/auth/principal.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Puts every /admin/v1 change (policy, secrets, snapshots, TTL, sleep, reconcile, …) in the
 * audit log next to the REST API's actions, success or refusal, once its answer is known.
 * Reads are not actions and are not recorded, as on /api/v1.
 */
@Injectable()
export class AdminAuditInterceptor implements NestInterceptor {
  constructor(@Inject(AuditRecorder) private readonly audit: AuditRecorder) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<V1Request>();
    if (READS.has(request.method)) return next.handle();
    request.auditTarget ??= targetOf(request.params ?? {}) ?? undefined;
    // The one actor of /admin/v1: AdminTokenGuard lets nothing else through.
    return recordAnswer(this.audit, request, http.getResponse(), BOOTSTRAP_ADMIN, next);
  }
}

/** `owner/name#pr`, `owner/name`, an id or a name: what the admin route acted on. */
function targetOf(params: Record<string, string | undefined>): string | null {
  const { owner, name, pr, id } = params;
  if (owner && name) return `${owner}/${name}${pr ? `#${pr}` : ''}`;
  return id ?? name ?? owner ?? null;
}
