/** A failed GitHub call, naming what was attempted, on which repository/PR, and the HTTP status. */
export class GitHubApiError extends Error {
  override readonly name = 'GitHubApiError';

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
  }
}

/** The HTTP status of an Octokit RequestError (duck-typed: the class is a transitive dependency). */
export function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) return undefined;
  const status = (error as { status: unknown }).status;
  return typeof status === 'number' && status > 0 ? status : undefined;
}
