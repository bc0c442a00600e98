import type { CallHandler } from '@nestjs/common';
import { catchError, from, mergeMap, type Observable, throwError } from 'rxjs';
import type { Principal, V1Request } from '../auth/principal.js';
import { problemOf } from '../problem/problem-details.filter.js';
import type { AuditRecorder } from './audit-recorder.js';

/**
 * Lets the route answer, then records that answer (success or error) in the audit log before
 * it leaves: an action the log cannot record is reported as failed (AuditRecorder throws).
 */
export function recordAnswer(
  audit: AuditRecorder,
  request: V1Request & { auditDetail?: string },
  response: { statusCode: number },
  principal: Principal,
  next: CallHandler,
): Observable<unknown> {
  return next.handle().pipe(
    mergeMap(async (body: unknown) => {
      await audit.record(request, principal, response.statusCode, request.auditDetail ?? null);
      return body;
    }),
    catchError((error: unknown) => {
      const problem = problemOf(error);
      return from(audit.record(request, principal, problem.status, problem.detail)).pipe(
        mergeMap(() => throwError(() => error)),
      );
    }),
  );
}
