// An open-loop HTTP load generator: requests start at a fixed rate whatever the server does, and
// each latency is measured from the moment the request was *due*, not from when it went out.
// A closed-loop tool (autocannon, even with overallRate) waits for a connection to be free
// before it sends, so a 200 ms stall delays the next requests instead of counting them as
// 200 ms late: the tail this bench hunts would be hidden (coordinated omission).
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface OpenLoopTarget {
  /** http://address:port; the Host header is set separately (the gateway routes on it). */
  origin: string;
  path: string;
  headers: Record<string, string>;
  /** Keep-alive connections to this target, reused across phases (warm-up included). */
  agent: Agent;
}

export interface OpenLoopResult {
  /** Latency of every answered request (ms, from its due time to the end of its body). */
  latenciesMs: number[];
  /**
   * [due time since the start, latency] per answered request, in due order: lines slow requests
   * up with what else happened at that moment (event-loop stalls, GC, other load).
   */
  timeline: Array<[number, number]>;
  /** When the round started (ms since the epoch): lines it up with other processes' logs. */
  startedAtMs: number;
  sent: number;
  errors: number;
  /** Answers by HTTP status; anything but 200 also counts in `errors`. */
  statuses: Record<string, number>;
  /** The worst delay between a request's due time and its actual start (generator lag). */
  maxStartLagMs: number;
  firstError?: string;
}

/** Keep-alive, no cap that would queue requests in the client: the server should see them all. */
export function keepAliveAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 512 });
}

const REQUEST_TIMEOUT_MS = 10_000;

/** Sends `ratePerSecond` requests per second for `durationMs`; resolves once all have ended. */
export function openLoop(
  target: OpenLoopTarget,
  ratePerSecond: number,
  durationMs: number,
): Promise<OpenLoopResult> {
  const url = new URL(target.origin);
  const interval = 1000 / ratePerSecond;
  const total = Math.round((durationMs / 1000) * ratePerSecond);
  const result: OpenLoopResult = {
    latenciesMs: [],
    timeline: [],
    startedAtMs: 0,
    sent: 0,
    errors: 0,
    statuses: {},
    maxStartLagMs: 0,
  };
  let pending = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const fail = (message: string) => {
    result.errors += 1;
    result.firstError ??= message;
  };

  const start = performance.now();
  result.startedAtMs = performance.timeOrigin + start;
  const fire = (due: number) => {
    result.sent += 1;
    pending += 1;
    result.maxStartLagMs = Math.max(result.maxStartLagMs, performance.now() - due);
    let settled = false;
    const settle = () => {
      if (settled) return false;
      settled = true;
      pending -= 1;
      if (pending === 0 && result.sent === total) done();
      return true;
    };
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: target.path,
        headers: target.headers,
        agent: target.agent,
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        res.resume(); // read the body: latency ends with its last byte
        res.on('end', () => {
          const latency = performance.now() - due;
          if (!settle()) return;
          const status = String(res.statusCode ?? 0);
          result.statuses[status] = (result.statuses[status] ?? 0) + 1;
          if (res.statusCode !== 200) return fail(`HTTP ${status}`);
          result.latenciesMs.push(latency);
          result.timeline.push([Math.round((due - start) * 10) / 10, latency]);
        });
        res.on('error', (error) => settle() && fail(error.message));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', (error) => settle() && fail(error.message));
    req.end();
  };

  let next = 0;
  const tick = () => {
    const now = performance.now();
    // A late timer fires every request already due: the arrival rate never bends to the server.
    while (next < total && start + next * interval <= now) {
      fire(start + next * interval);
      next += 1;
    }
    if (next < total) setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
  };
  tick();
  return finished.then(() => {
    result.timeline.sort((a, b) => a[0] - b[0]);
    return result;
  });
}

/** Nearest-rank percentile of already sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] as number;
}
