import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import {
  PROBLEM_CONTENT_TYPE,
  PROBLEM_TYPE_PREFIX,
  PROBLEM_TYPES,
  type ProblemBody,
  ProblemException,
  type ProblemType,
} from './problem.js';

interface ResponseLike {
  status(code: number): ResponseLike;
  setHeader(name: string, value: string): void;
  send(body: string): void;
  headersSent: boolean;
}

/** Nest's own exceptions (from shared helpers, pipes, unknown routes) by status. */
const TYPE_OF_STATUS: Record<number, ProblemType> = {
  400: 'invalid-request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  422: 'idempotency-key-reused',
  429: 'rate-limited',
};

/** The problem-details body of any error thrown on a /api/v1 route. */
export function problemOf(error: unknown, instance?: string): ProblemBody {
  if (error instanceof ProblemException) {
    return {
      type: PROBLEM_TYPE_PREFIX + error.problemType,
      title: PROBLEM_TYPES[error.problemType],
      status: error.getStatus(),
      detail: error.message,
      ...(instance ? { instance } : {}),
      ...(error.extra.errors ? { errors: error.extra.errors } : {}),
      ...(error.extra.fix ? { fix: error.extra.fix } : {}),
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const type = TYPE_OF_STATUS[status] ?? (status >= 500 ? 'internal' : 'invalid-request');
    const response = error.getResponse();
    const message =
      typeof response === 'object' && response !== null && 'message' in response
        ? (response as { message: unknown }).message
        : error.message;
    // Shared validation (core's parsers via the admin services) lists `problems` by field.
    const problems =
      typeof response === 'object' && response !== null && 'problems' in response
        ? (response as { problems: unknown }).problems
        : undefined;
    const errors = Array.isArray(problems)
      ? problems
          .filter((p): p is { field: string; message: string } => typeof p?.field === 'string')
          .map((p) => ({ field: `body.${p.field}`, message: String(p.message) }))
      : [];
    return {
      type: PROBLEM_TYPE_PREFIX + type,
      title: PROBLEM_TYPES[type],
      status,
      detail: Array.isArray(message) ? message.join('; ') : String(message),
      ...(instance ? { instance } : {}),
      ...(errors.length ? { errors } : {}),
    };
  }
  return {
    type: PROBLEM_TYPE_PREFIX + 'internal',
    title: PROBLEM_TYPES.internal,
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    detail: 'the api failed to answer; the error is in its log',
    ...(instance ? { instance } : {}),
  };
}

/** Answers every /api/v1 error as `application/problem+json` (RFC 9457). */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('api-v1');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<ResponseLike>();
    const request = http.getRequest<{ originalUrl?: string; url?: string }>();
    const path = (request.originalUrl ?? request.url ?? '').split('?')[0];
    const body = problemOf(error, path);
    if (body.status >= 500) this.logger.error({ err: error, path }, 'REST API request failed');
    if (response.headersSent) return;
    if (error instanceof ProblemException) {
      for (const [name, value] of Object.entries(error.extra.headers ?? {})) {
        response.setHeader(name, value);
      }
    }
    response.setHeader('Content-Type', PROBLEM_CONTENT_TYPE);
    response.status(body.status).send(JSON.stringify(body));
  }
}
