import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { catchError, from, mergeMap, type Observable, throwError } from 'rxjs';
import { principalOf, type V1Request } from '../auth/principal.js';
import { problemOf } from '../problem/problem-details.filter.js';
import { AuditRecorder } from './audit-recorder.js';

/** Records an audited route's answer, success or error, once it is known (decision 0029). */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(@Inject(AuditRecorder) private readonly audit: AuditRecorder) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<V1Request & { auditDetail?: string }>();
    const response = http.getResponse<{ statusCode: number }>();
    const principal = principalOf(request);
    return next.handle().pipe(
      mergeMap(async (body: unknown) => {
        await this.audit.record(
          request,
          principal,
          response.statusCode,
          request.auditDetail ?? null,
        );
        return body;
      }),
      catchError((error: unknown) => {
        const problem = problemOf(error);
        return from(this.audit.record(request, principal, problem.status, problem.detail)).pipe(
          mergeMap(() => throwError(() => error)),
        );
      }),
    );
  }
}
