import { HttpException } from '@nestjs/common';

// RFC 9457 problem details (decision 0029): every /api/v1 error has this body, served as
// `application/problem+json`, so a script reads one shape whatever went wrong.

/** The problem types /api/v1 answers with (each a `type` URI and a fixed title). */
export const PROBLEM_TYPES = {
  'invalid-request': 'The request is not valid',
  unauthenticated: 'A valid API token is required',
  forbidden: 'The token may not do this',
  'not-found': 'No such resource',
  conflict: 'The resource is not in a state that allows this',
  'idempotency-key-reused': 'The Idempotency-Key was used for a different request',
  'idempotency-key-in-flight': 'A request with this Idempotency-Key is still running',
  'rate-limited': 'Too many requests',
  'not-configured': 'This feature is off on this Berth',
  unavailable: 'No worker can answer this now',
  internal: 'Something went wrong on our side',
} as const;
export type ProblemType = keyof typeof PROBLEM_TYPES;

export const PROBLEM_TYPE_PREFIX = 'urn:berth:problem:';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** What was wrong with one input, and how to fix it. */
export interface ProblemField {
  /** Where: `body.by`, `query.limit`, `path.id`, `header.Idempotency-Key`. */
  field: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The request's path. */
  instance?: string;
  /** Which inputs were wrong (400). */
  errors?: ProblemField[];
  /** How to fix it, when there is one thing to do. */
  fix?: string;
}

/** An error that /api/v1 answers as problem details. */
export class ProblemException extends HttpException {
  constructor(
    readonly problemType: ProblemType,
    status: number,
    detail: string,
    readonly extra: {
      errors?: ProblemField[];
      fix?: string;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(detail, status);
  }
}

export const invalid = (field: string, message: string, fix?: string) =>
  new ProblemException('invalid-request', 400, `${field}: ${message}`, {
    errors: [{ field, message }],
    ...(fix ? { fix } : {}),
  });

export const notFound = (detail: string) => new ProblemException('not-found', 404, detail);

export const conflict = (detail: string, fix?: string) =>
  new ProblemException('conflict', 409, detail, fix ? { fix } : {});
