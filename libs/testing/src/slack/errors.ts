// Slack's Web API answers almost every failure with HTTP 200 and `{ ok: false, error }`, the
// error being one of the documented strings. Only rate limits (429 + Retry-After), server
// faults (5xx) and unknown methods (404) use the HTTP status.

export class SlackApiError extends Error {
  constructor(
    /** The documented error string, e.g. `channel_not_found`. */
    readonly error: string,
    readonly status = 200,
    readonly headers: Record<string, string> = {},
    /** `response_metadata.messages`: what Slack says about invalid arguments (`[ERROR] …`). */
    readonly messages: string[] = [],
  ) {
    super(error);
  }
}

export const notAuthed = () => new SlackApiError('not_authed');
export const invalidAuth = () => new SlackApiError('invalid_auth');
export const tokenRevoked = () => new SlackApiError('token_revoked');
export const channelNotFound = () => new SlackApiError('channel_not_found');
export const messageNotFound = () => new SlackApiError('message_not_found');
/** `Retry-After` in whole seconds, as Slack sends it. */
export const rateLimited = (retryAfterSeconds: number) =>
  new SlackApiError('ratelimited', 429, { 'retry-after': String(retryAfterSeconds) });

/** A server fault: Slack's own error string for the common statuses. */
export function serverFault(status: number): SlackApiError {
  const error =
    status === 503 ? 'service_unavailable' : status === 500 ? 'internal_error' : 'fatal_error';
  return new SlackApiError(error, status);
}
