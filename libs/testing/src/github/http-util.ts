// HTTP plumbing shared by the routes: GitHub-shaped errors and response headers.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const DOCS = 'https://docs.github.com/rest';

/** A GitHub-style error: the emulator renders it as `{message, documentation_url, status}`. */
export class GitHubHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (): GitHubHttpError => new GitHubHttpError(404, 'Not Found');
export const badCredentials = (): GitHubHttpError => new GitHubHttpError(401, 'Bad credentials');
export const requiresAuthentication = (): GitHubHttpError =>
  new GitHubHttpError(401, 'Requires authentication');

/** 422 like GitHub's: `errors: [{resource, code, field}]`. */
export function validationFailed(
  resource: string,
  field: string,
  code: 'missing_field' | 'invalid' | 'custom' = 'invalid',
  message?: string,
): GitHubHttpError {
  return new GitHubHttpError(422, 'Validation Failed', {
    errors: [{ resource, code, field, ...(message ? { message } : {}) }],
  });
}

export function requestId(): string {
  const hex = (n: number): string => randomBytes(n).toString('hex').toUpperCase();
  return `${hex(2)}:${hex(2)}:${hex(3)}:${hex(3)}:${hex(4)}`;
}

/** Headers every api.github.com response carries. */
export function standardHeaders(rateRemaining: number, rateReset: number): Record<string, string> {
  return {
    'x-github-request-id': requestId(),
    'x-github-api-version-selected': '2022-11-28',
    'x-github-media-type': 'github.v3; format=json',
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': String(rateRemaining),
    'x-ratelimit-reset': String(rateReset),
    'x-ratelimit-used': String(5000 - rateRemaining),
    'x-ratelimit-resource': 'core',
    'access-control-allow-origin': '*',
    'x-content-type-options': 'nosniff',
  };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

export function errorBody(error: GitHubHttpError): Record<string, unknown> {
  return {
    message: error.message,
    ...error.extra,
    documentation_url: DOCS,
    status: String(error.status),
  };
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Parses a JSON request body; GitHub answers 400 "Problems parsing JSON" for bad JSON. */
export function parseJsonBody(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    throw new GitHubHttpError(400, 'Problems parsing JSON');
  }
}
