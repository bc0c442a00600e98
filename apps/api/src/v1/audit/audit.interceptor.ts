import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { Observable } from 'rxjs';
import { principalOf, type V1Request } from '../auth/principal.js';
import { AuditRecorder } from './audit-recorder.js';
import { recordAnswer } from './record-answer.js';

/** Records an audited route's answer, success or error, once it is known (decision 0029). */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(@Inject(AuditRecorder) private readonly audit: AuditRecorder) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<V1Request & { auditDetail?: string }>();
    const response = http.getResponse<{ statusCode: number }>();
    return recordAnswer(this.audit, request, response, principalOf(request), next);
  }
}
