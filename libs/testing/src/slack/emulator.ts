// startSlackEmulator: a loopback server speaking Slack's Web API wire protocol (`POST
// /api/<method>`, form or JSON bodies, Bearer tokens, `{ ok, error }` answers, 429 with
// Retry-After), for the official `@slack/web-api` client (`slackApiUrl: emulator.apiUrl`).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TokenBucket } from '../aws/shared/rate-limiter.js';
import { listen, readBody } from '../aws/shared/http.js';
import { sleep } from '../aws/shared/faults.js';
import {
  invalidAuth,
  notAuthed,
  rateLimited,
  serverFault,
  SlackApiError,
  tokenRevoked,
} from './errors.js';
import { SlackFaultInjector } from './faults.js';
import { messageJson, METHODS } from './methods.js';
import { parseRequest, sendError, sendJson } from './protocol.js';
import { type ChannelRecord, type MessageRecord, Workspace } from './state.js';

export interface SlackEmulatorOptions {
  port?: number;
  /** The bot token the emulator accepts (default: a new `xoxb-…`). */
  token?: string;
  /** Workspace name (`auth.test`'s `team`), default `Berth Test`. */
  teamName?: string;
  /**
   * chat.postMessage's limit per channel (Slack: about one message a second, short bursts
   * allowed): beyond it, 429 with Retry-After. Default: no limit.
   */
  postsPerSecondPerChannel?: number;
}

/** What tests see of a message. */
export interface EmulatedSlackMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[] | undefined;
  /** The parent's ts for a thread reply. */
  threadTs: string | undefined;
  /** Every text it has had, oldest first: `versions.length - 1` edits. */
  versions: string[];
  edited: boolean;
  /** Its thread's replies (top-level messages only), oldest first. */
  replies: EmulatedSlackMessage[];
}

export interface SlackRequestLogEntry {
  method: string;
  /** Arguments as received, without the token. */
  args: Record<string, unknown>;
  encoding: 'form' | 'json' | 'none';
  /** Whether a token came with the call (its value is not logged). */
  authenticated: boolean;
  status: number;
  /** Slack's error string when `ok` was false. */
  error: string | undefined;
  /** The failure came from fault injection or the rate limiter, not from the method itself. */
  injected: boolean;
  at: string;
}

export type SlackEmulator = Awaited<ReturnType<typeof startSlackEmulator>>;

export async function startSlackEmulator(options: SlackEmulatorOptions = {}) {
  const workspace = new Workspace(options.teamName ?? 'Berth Test');
  const tokens = new Set([options.token ?? `xoxb-${randomBytes(12).toString('hex')}`]);
  const revoked = new Set<string>();
  const faults = new SlackFaultInjector();
  const requestLog: SlackRequestLogEntry[] = [];
  const buckets = new Map<string, TokenBucket>();
  const [token] = tokens;

  function postAllowed(channel: string | undefined): boolean {
    const rate = options.postsPerSecondPerChannel;
    if (!rate || !channel) return true;
    const id = workspace.resolve(channel)?.id ?? channel;
    let bucket = buckets.get(id);
    if (!bucket) {
      bucket = new TokenBucket(rate, Math.max(1, rate));
      buckets.set(id, bucket);
    }
    return bucket.tryTake();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname)?.[1] ?? 'unknown';
    const body = await readBody(req);
    const entry: SlackRequestLogEntry = {
      method,
      args: {},
      encoding: 'none',
      authenticated: false,
      status: 0,
      error: undefined,
      injected: false,
      at: new Date().toISOString(),
    };
    requestLog.push(entry);
    const fail = (error: SlackApiError, injected = false): void => {
      entry.status = error.status;
      entry.error = error.error;
      entry.injected = injected;
      sendError(res, error);
    };
    const handler = METHODS[method];
    if (!handler) return fail(new SlackApiError('unknown_method', 404));

    let request;
    try {
      request = parseRequest(method, url, req.headers, body);
    } catch (error) {
      if (error instanceof SlackApiError) return fail(error);
      throw error;
    }
    entry.args = request.args;
    entry.encoding = request.encoding;
    entry.authenticated = request.token !== undefined;

    const decision = faults.take(method);
    if (decision) {
      await sleep(decision.delayMs);
      const { fault } = decision;
      if (fault === 'ratelimited') return fail(rateLimited(decision.retryAfterSeconds), true);
      if (typeof fault === 'number') return fail(serverFault(fault), true);
    }

    if (request.token === undefined) return fail(notAuthed());
    if (revoked.has(request.token)) return fail(tokenRevoked());
    if (!tokens.has(request.token)) return fail(invalidAuth());
    if (method === 'chat.postMessage' && !postAllowed(request.args['channel'] as string)) {
      return fail(rateLimited(1), true);
    }

    try {
      const output = handler(workspace, request.args);
      entry.status = 200;
      sendJson(res, 200, { ok: true, ...output });
    } catch (error) {
      if (error instanceof SlackApiError) return fail(error);
      throw error;
    }
  }

  const server = await listen(options.port, handle);

  const view = (message: MessageRecord): EmulatedSlackMessage => ({
    channel: message.channel,
    ts: message.ts,
    text: message.text,
    blocks: message.blocks,
    threadTs: message.threadTs,
    versions: [...message.versions],
    edited: message.editedTs !== undefined,
    replies:
      message.threadTs === undefined
        ? workspace.replies(message.channel, message.ts).map(view)
        : [],
  });
  const channelOf = (channel: string): ChannelRecord => {
    const found = workspace.resolve(channel);
    if (!found) throw new Error(`no channel ${channel} in the emulated workspace`);
    return found;
  };

  return {
    /** The server's root, `http://127.0.0.1:<port>`. */
    url: server.url,
    /** `slackApiUrl` for `new WebClient(token, { slackApiUrl })`: the root plus `/api/`. */
    apiUrl: `${server.url}/api/`,
    /** The bot token it accepts. */
    token: token as string,
    /** The workspace's and bot's ids (`auth.test` answers them). */
    bot: workspace.bot,
    /** `faults.add('chat.update', 'ratelimited' | 500 | 503 | { delayMs }, times?, { retryAfterSeconds })`. */
    faults,
    /** Every call, oldest first. */
    requestLog,
    clearRequests(): void {
      requestLog.length = 0;
    },

    /** A channel the bot can post in (or, with options, one it cannot); returns its id. */
    createChannel(
      name: string,
      channel: { isPrivate?: boolean; isMember?: boolean; isArchived?: boolean } = {},
    ): string {
      return workspace.createChannel(name, channel).id;
    },
    archiveChannel(channel: string): void {
      channelOf(channel).isArchived = true;
    },
    channels(): ChannelRecord[] {
      return workspace.allChannels().map((c) => ({ ...c }));
    },
    /** Top-level messages of a channel (id or name), oldest first, each with its replies. */
    messages(channel: string): EmulatedSlackMessage[] {
      return workspace.topLevel(channelOf(channel).id).map(view);
    },
    /** One message (top-level or reply) by channel and ts. */
    message(channel: string, ts: string): EmulatedSlackMessage | undefined {
      const found = workspace.find(channelOf(channel).id, ts);
      return found ? view(found) : undefined;
    },
    /** The message as the Web API would return it (e.g. in conversations.history). */
    messageJson(channel: string, ts: string): Record<string, unknown> | undefined {
      const found = workspace.find(channelOf(channel).id, ts);
      return found ? messageJson(workspace, found) : undefined;
    },
    /** Deletes a message and its thread, as a person deleting it in Slack would. */
    deleteMessage(channel: string, ts: string): void {
      if (!workspace.remove(channelOf(channel).id, ts)) throw new Error(`no message ${ts}`);
    },
    /** Another token the emulator accepts (a second app, say). */
    addToken(extra: string): void {
      tokens.add(extra);
    },
    /** The token stops working: `token_revoked`, as when the app is uninstalled. */
    revokeToken(revokedToken: string = token as string): void {
      revoked.add(revokedToken);
    },

    close: server.close,
  };
}
