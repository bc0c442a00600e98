import { createHash } from 'node:crypto';
import { IdempotencyStore } from '@berth/db';
import type { Stores } from '@berth/runtime';
import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
  type NestInterceptor,
} from '@nestjs/common';
import { catchError, from, mergeMap, type Observable, of, throwError } from 'rxjs';
import { STORES } from '../../tokens.js';
import { principalOf, type V1Request } from '../auth/principal.js';
import { invalid, ProblemException } from '../problem/problem.js';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** Keys are remembered this long; a repeat after that acts again. */
const KEEP_MS = 24 * 3_600_000;
const PRUNE_EVERY_MS = 3_600_000;
const KEY = /^[\x21-\x7e]{1,200}$/;

interface ResponseLike {
  statusCode: number;
  status(code: number): unknown;
  setHeader(name: string, value: string): void;
}

/**
 * `Idempotency-Key` on actions (decision 0029): the first request with a key (per token) acts
 * and its answer is stored; a repeat with the same method, path and body gets that answer
 * again (`Idempotent-Replayed: true`) without acting; a different request with the same key is
 * 422; a repeat while the first still runs is 409. A first attempt that failed (any error) is
 * forgotten, so a retry may act: nothing was done, or the error says what to change.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('api-v1');
  private readonly keys: IdempotencyStore;
  private prunedAt = 0;

  constructor(@Inject(STORES) stores: Stores) {
    this.keys = new IdempotencyStore(stores.prisma);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<V1Request & { auditDetail?: string }>();
    const response = http.getResponse<ResponseLike>();
    const header = request.headers['idempotency-key'];
    if (header === undefined) return next.handle();
    const key = Array.isArray(header) ? header[0] : header;
    if (key === undefined || !KEY.test(key)) {
      throw invalid(
        `header.${IDEMPOTENCY_HEADER}`,
        'must be 1 to 200 visible ASCII characters',
        'send a fresh random value per action, e.g. a UUID',
      );
    }
    const actor = principalOf(request).id;
    const path = (request.originalUrl ?? request.url).split('?')[0];
    const hash = createHash('sha256')
      .update(`${request.method} ${path}\n${JSON.stringify(request.body ?? null)}`)
      .digest('hex');
    this.prune();
    return from(this.keys.claim(actor, key, hash)).pipe(
      mergeMap((claim) => {
        if (claim.kind === 'seen') {
          if (claim.requestHash !== hash) {
            throw new ProblemException(
              'idempotency-key-reused',
              422,
              `${IDEMPOTENCY_HEADER} ${key} was first sent with a different request`,
              { fix: 'use a new key for a new request' },
            );
          }
          if (claim.status === null) {
            throw new ProblemException(
              'idempotency-key-in-flight',
              409,
              `the first request with ${IDEMPOTENCY_HEADER} ${key} has not answered yet`,
              { fix: 'retry in a moment: you will get its answer' },
            );
          }
          response.status(claim.status);
          response.setHeader('Idempotent-Replayed', 'true');
          request.auditDetail = `replayed the answer to ${IDEMPOTENCY_HEADER} ${key}`;
          return of(claim.body);
        }
        return next.handle().pipe(
          mergeMap(async (body: unknown) => {
            await this.keys.complete(actor, key, response.statusCode, body);
            return body;
          }),
          catchError((error: unknown) =>
            from(this.keys.release(actor, key)).pipe(mergeMap(() => throwError(() => error))),
          ),
        );
      }),
    );
  }

  private prune(now = Date.now()): void {
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    this.keys.prune(new Date(now - KEEP_MS)).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'could not prune idempotency keys');
    });
  }
}
