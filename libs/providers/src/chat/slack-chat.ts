// The chat port's driver: Slack's Web API through the official client. The client's own retry
// policy is bounded (a few quick retries of a 5xx or a dropped connection) and rate limits are
// never waited out here: a 429 becomes an error carrying Retry-After, so the sink job is
// delayed by exactly that on its queue, holding nothing (decision 0028; 0011 for the pattern).

import {
  type ChatUpdateArguments,
  LogLevel,
  type Logger,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebClient,
} from '@slack/web-api';
import {
  ChatApiError,
  type ChatIdentity,
  type ChatMessage,
  type ChatPort,
  type PostedMessage,
} from './chat.port.js';

/** Block Kit objects come from the pure renderer as plain objects; Slack validates them. */
type Blocks = NonNullable<Extract<ChatUpdateArguments, { blocks?: unknown }>['blocks']>;
const blocksOf = (message: ChatMessage): Blocks => [...(message.blocks ?? [])] as Blocks;

export interface SlackChatOptions {
  /** The bot token (`xoxb-…`). Sent only as the Authorization header; never logged. */
  token: string;
  /** The Web API root, default `https://slack.com/api/` (an emulator's in tests). */
  apiUrl?: string;
  /** In-process retries of a 5xx or a failed connection (not of a 429); default 2. */
  retries?: number;
  /** First retry delay, doubling, at most 2 s; default 250 ms. */
  retryMinMs?: number;
  /** One request's bound, so a hung Slack cannot hold a sink slot; default 10 s. */
  timeoutMs?: number;
  /** Where the client's warnings go (retries, deprecations); silent when omitted. */
  log?: { warn(message: string): void };
}

/** Errors retrying cannot fix: the channel, the token, the app's scopes or the message itself. */
const PERMANENT = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'is_inactive',
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
  'thread_not_found',
  'not_authed',
  'invalid_auth',
  'token_revoked',
  'token_expired',
  'account_inactive',
  'missing_scope',
  'no_permission',
  'not_allowed_token_type',
  'team_access_not_granted',
  'ekm_access_denied',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'no_text',
  'too_many_attachments',
  'invalid_arguments',
  'invalid_arg_name',
]);

export class SlackChat implements ChatPort {
  private readonly client: WebClient;

  constructor(options: SlackChatOptions) {
    const apiUrl = options.apiUrl ?? 'https://slack.com/api/';
    this.client = new WebClient(options.token, {
      slackApiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`,
      // A 429 is thrown with its Retry-After instead of pausing this client's whole queue.
      rejectRateLimitedCalls: true,
      retryConfig: {
        retries: options.retries ?? 2,
        factor: 2,
        minTimeout: options.retryMinMs ?? 250,
        maxTimeout: 2_000,
      },
      timeout: options.timeoutMs ?? 10_000,
      logger: clientLogger(options.log),
    });
  }

  async identity(): Promise<ChatIdentity> {
    const me = await this.call('check the Slack token', () => this.client.auth.test());
    return {
      team: me.team ?? '',
      teamId: me.team_id ?? '',
      user: me.user ?? '',
      userId: me.user_id ?? '',
    };
  }

  async post(channel: string, message: ChatMessage, threadTs?: string): Promise<PostedMessage> {
    const posted = await this.call(
      threadTs ? 'reply in the preview thread' : 'post the preview message',
      () =>
        this.client.chat.postMessage({
          channel,
          text: message.text,
          ...(message.blocks ? { blocks: blocksOf(message) } : {}),
          ...(threadTs ? { thread_ts: threadTs } : {}),
          // Preview URLs would unfurl into cards on every edit: the message already says it all.
          unfurl_links: false,
          unfurl_media: false,
        }),
    );
    if (!posted.channel || !posted.ts) {
      throw new ChatApiError('post the preview message', 'no_ts_in_answer', false);
    }
    return { channel: posted.channel, ts: posted.ts };
  }

  async update(at: PostedMessage, message: ChatMessage): Promise<void> {
    await this.call('update the preview message', () =>
      this.client.chat.update({
        channel: at.channel,
        ts: at.ts,
        text: message.text,
        ...(message.blocks ? { blocks: blocksOf(message) } : {}),
      }),
    );
  }

  private async call<T>(action: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toChatError(action, error);
    }
  }
}

/** The client's error as the port's: Slack's code, whether retrying helps, Retry-After. */
export function toChatError(action: string, error: unknown): ChatApiError {
  if (error instanceof WebAPIRateLimitedError) {
    return new ChatApiError(action, 'ratelimited', false, error.retryAfter * 1000, error);
  }
  if (error instanceof WebAPIPlatformError) {
    const code = error.data.error;
    return new ChatApiError(action, code, PERMANENT.has(code), undefined, error);
  }
  if (error instanceof WebAPIHTTPError) {
    return new ChatApiError(action, `http_${error.statusCode}`, false, undefined, error);
  }
  return new ChatApiError(action, 'request_failed', false, undefined, error);
}

/** The client's logger: warnings and errors to ours (never debug, which shows request bodies). */
function clientLogger(log: SlackChatOptions['log']): Logger {
  let name = 'slack';
  const warn = (...messages: unknown[]) => log?.warn(`${name}: ${messages.map(String).join(' ')}`);
  return {
    debug: () => undefined,
    info: () => undefined,
    warn,
    error: warn,
    setLevel: () => undefined,
    getLevel: () => LogLevel.WARN,
    setName: (value: string) => {
      name = value;
    },
  };
}
