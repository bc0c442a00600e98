/** A failed GitHub call, naming what was attempted, on which repository/PR, and the HTTP status. */
export class GitHubApiError extends Error {
  override readonly name = 'GitHubApiError';
  /** How long GitHub asked to wait (its `retry-after` on a 429 or 403), when it said. */
  readonly retryAfterMs: number | undefined;

  constructor(
    /** e.g. `update the preview comment`. */
    readonly action: string,
    /** e.g. `acme/shop#12` or `installation 4242`. */
    readonly target: string,
    /** HTTP status, undefined when no response arrived. */
    readonly status: number | undefined,
    cause: unknown,
  ) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(
      `GitHub: could not ${action} for ${target}: ${status ? `HTTP ${status}` : 'no response'} — ${detail}`,
      { cause },
    );
    this.retryAfterMs = retryAfterMs(cause);
  }
}

/** `retry-after` (seconds) of an Octokit RequestError's response, in ms. */
export function retryAfterMs(error: unknown): number | undefined {
  const headers = (error as { response?: { headers?: Record<string, unknown> } } | null)?.response
    ?.headers;
  const value = Number(headers?.['retry-after']);
  return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
}

/** The HTTP status of an Octokit RequestError (duck-typed: the class is a transitive dependency). */
export function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) return undefined;
  const status = (error as { status: unknown }).status;
  return typeof status === 'number' && status > 0 ? status : undefined;
}
