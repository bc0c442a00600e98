/**
 * What Berth needs from a team chat: post a message, edit it in place, reply in its thread
 * (decision 0028). One driver: Slack's Web API through `@slack/web-api`.
 */

/** A message: the notification text, and blocks that render it richly where supported. */
export interface ChatMessage {
  text: string;
  /** Slack Block Kit blocks, as plain objects. */
  blocks?: readonly object[];
}

/** Where a posted message lives: the channel's id (never its name) and the message's ts. */
export interface PostedMessage {
  channel: string;
  ts: string;
}

export interface ChatIdentity {
  team: string;
  teamId: string;
  user: string;
  userId: string;
}

export interface ChatPort {
  /** Who the token belongs to (Slack's auth.test): checks it works. */
  identity(): Promise<ChatIdentity>;
  /** Posts to a channel (an id or `#name`), or into the thread of `threadTs` there. */
  post(channel: string, message: ChatMessage, threadTs?: string): Promise<PostedMessage>;
  /** Replaces a posted message's content; `channel` must be the id `post` answered. */
  update(at: PostedMessage, message: ChatMessage): Promise<void>;
}

/**
 * A failed chat call. `code` is Slack's error string (`channel_not_found`, `ratelimited`, …),
 * or `http_<status>` / `request_failed` when no Web API answer came.
 */
export class ChatApiError extends Error {
  override readonly name = 'ChatApiError';

  constructor(
    /** e.g. `update the preview message`. */
    readonly action: string,
    readonly code: string,
    /** Retrying cannot help (a missing channel, a revoked token, a refused message). */
    readonly permanent: boolean,
    /** How long the service asked to wait (`Retry-After` of a 429), in ms. */
    readonly retryAfterMs?: number,
    cause?: unknown,
  ) {
    super(`Slack: could not ${action}: ${code}`, cause === undefined ? undefined : { cause });
  }
}
