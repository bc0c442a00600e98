// Reading dockerode's errors: HTTP status from the Engine, or a socket error code.

import { ContainerHostUnreachableError } from '../container-host.errors.js';

export function statusOf(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

export const isNotFound = (err: unknown): boolean => statusOf(err) === 404;
export const isConflict = (err: unknown): boolean => statusOf(err) === 409;
export const isNotModified = (err: unknown): boolean => statusOf(err) === 304;

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'EACCES',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'ECONNRESET',
  'EPIPE',
]);

/** Socket-level failures become one clear "engine unreachable" error; others pass through. */
export function mapUnreachable(err: unknown, endpoint: string): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (statusOf(err) === undefined && typeof code === 'string' && UNREACHABLE.has(code)) {
    return new ContainerHostUnreachableError(endpoint, err);
  }
  return err;
}

/** The Engine's own message ("conflict: …"), without dockerode's "(HTTP code 409) …" prefix. */
export function engineMessage(err: unknown): string {
  const json = (err as { json?: { message?: unknown } } | null)?.json;
  if (json && typeof json.message === 'string') return json.message;
  return err instanceof Error ? err.message : String(err);
}
