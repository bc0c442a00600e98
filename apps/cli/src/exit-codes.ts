import { ApiError } from './admin-client.js';
import { UsageError } from './repo-flags.js';

// What `berth` exits with, so scripts can branch without reading stderr (README, decision 0032).
export const EXIT = {
  ok: 0,
  /** The api refused (a 4xx other than below, such as a scope too low) or failed (5xx). */
  failed: 1,
  /** The command line was wrong: unknown command or flag, a value in the wrong form. */
  usage: 2,
  /** The environment, repository or token named does not exist (or the token may not see it). */
  notFound: 3,
  /** The api did not take the token: missing, unknown, expired or revoked (HTTP 401). */
  auth: 4,
  /** The api could not be reached at BERTH_API_URL. */
  unreachable: 5,
} as const;

/** A REST API v1 refusal: its HTTP status picks the exit code. */
export class RestApiError extends ApiError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * No answer at all from the REST API (refused connection, DNS, timeout). The /admin/v1 commands
 * keep exiting 1 for it, as they always did.
 */
export class ApiUnreachableError extends ApiError {}

/** The exit code for an error `berth` knows; undefined for a bug (thrown on). */
export function exitCodeOf(error: unknown): number | undefined {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof ApiUnreachableError) return EXIT.unreachable;
  if (error instanceof RestApiError) {
    if (error.status === 401) return EXIT.auth;
    if (error.status === 404) return EXIT.notFound;
    return EXIT.failed;
  }
  // The /admin/v1 commands (repo show|set, share, sessions, snapshot, secret --owner|rotate-key)
  // keep their one code for every refusal: scripts written against them already read 1.
  if (error instanceof ApiError) return EXIT.failed;
  return undefined;
}
