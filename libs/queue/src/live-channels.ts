// The Redis names and messages of the live views (decision 0030): the environment change feed (a
// Redis stream the worker's `feed` sink appends to) and per-service logs (pub/sub between the api,
// which never opens Docker, and the worker that owns the environment's Docker host).

/** Entries the change feed keeps (XADD MAXLEN ~): how far back `Last-Event-ID` can resume. */
export const FEED_MAX_ENTRIES = 10_000;

/** The change feed stream: one entry per lifecycle event, appended by the `feed` sink. */
export function feedStreamKey(prefix: string): string {
  return `${prefix}:feed`;
}

/** One change feed entry's fields (Redis stream fields are strings). */
export interface FeedEntry {
  environmentId: string;
  eventId: string;
  kind: string;
  generation: string;
}

/** Where the api asks the workers of `host` for logs (and tells them to stop). */
export function logRequestChannel(prefix: string, host: string): string {
  return `${prefix}:logs:requests:${host}`;
}

/** Where the worker publishes one request's lines; the api is its only subscriber. */
export function logStreamChannel(prefix: string, requestId: string): string {
  return `${prefix}:logs:stream:${requestId}`;
}

/** The claim a worker takes on a request (SET NX), so one worker of the host streams it. */
export function logClaimKey(prefix: string, requestId: string): string {
  return `${prefix}:logs:claim:${requestId}`;
}

/** The requests workers are streaming now (a hash: request id → worker), for operators and tests. */
export function logActiveKey(prefix: string): string {
  return `${prefix}:logs:active`;
}

export type LogRequest =
  | {
      type: 'start';
      requestId: string;
      environmentId: string;
      service: string;
      /** Lines before now (0 to LOG_TAIL_MAX). */
      tail: number;
      follow: boolean;
    }
  /** The client went away: stop streaming. */
  | { type: 'stop'; requestId: string };

export type LogStreamName = 'stdout' | 'stderr';

export type LogMessage =
  /** A worker claimed the request and Docker is streaming the container's log. */
  | { type: 'started' }
  | { type: 'line'; stream: LogStreamName; time: string; line: string }
  /** Nothing more will come: the container stopped, the tail was sent, or the bound was hit. */
  | { type: 'end'; reason: string }
  | { type: 'error'; message: string }
  /** Sent while following a quiet container: a PUBLISH nobody receives tells the worker to stop. */
  | { type: 'ping' };

/** The most lines a tail may ask for. */
export const LOG_TAIL_MAX = 5_000;
/** How long one follow may run before the worker ends it (the client may reconnect). */
export const LOG_FOLLOW_MAX_MS = 60 * 60_000;
/** How often a following worker checks that someone still listens. */
export const LOG_PING_MS = 5_000;
