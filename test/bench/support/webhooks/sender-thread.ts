// The open-loop sender of the webhook burst, in its own thread so the GitHub emulator (which the
// control plane's worker calls into, in the main thread) cannot delay sends or skew the clock.
// Each delivery goes out at its scheduled time whether or not earlier ones were answered, and
// its answer time is measured from that schedule, so a stalled server shows as latency
// (no coordinated omission).
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

export interface ScheduledDelivery {
  deliveryId: string;
  body: string;
  signature: string;
}

export interface SenderInput {
  url: string;
  /**
   * The first send is this long after the thread is up. The clock starts in the thread, once it
   * is loaded: a thread that started late would otherwise count its own start as answer time.
   */
  startDelayMs: number;
  intervalMs: number;
  timeoutMs: number;
  /** In send order; a replay is the same delivery again (same body, same delivery id). */
  slots: ScheduledDelivery[];
}

export interface SenderResult {
  /** Epoch ms (performance.timeOrigin + performance.now()) the first send was scheduled at. */
  startAt: number;
  /** Per slot: answer (or failure) time from the scheduled send, ms. */
  latencyMs: number[];
  /** Per slot: HTTP status, 0 for a transport error or timeout. */
  status: number[];
  /** How late the sender itself was putting a request on the wire, worst case, ms. */
  maxSendLagMs: number;
  /** A few transport errors, for the report. */
  errors: string[];
}

const now = (): number => performance.timeOrigin + performance.now();

function run(input: SenderInput): Promise<SenderResult> {
  const startAt = now() + input.startDelayMs;
  const agent = new Agent({ keepAlive: true, maxSockets: 4096, maxFreeSockets: 1024 });
  const target = new URL(input.url);
  const n = input.slots.length;
  const result: SenderResult = {
    startAt,
    latencyMs: new Array<number>(n).fill(input.timeoutMs),
    status: new Array<number>(n).fill(0),
    maxSendLagMs: 0,
    errors: [],
  };
  let answered = 0;
  let next = 0;
  return new Promise((resolve) => {
    const done = new Uint8Array(n);
    const settle = (i: number, status: number, error?: Error) => {
      if (done[i]) return;
      done[i] = 1;
      result.status[i] = status;
      // Failures count with the time they took too (a timeout: the whole 10 s).
      result.latencyMs[i] = now() - (startAt + i * input.intervalMs);
      if (error && result.errors.length < 10) result.errors.push(`#${i}: ${error.message}`);
      answered += 1;
      if (answered === n) {
        agent.destroy();
        resolve(result);
      }
    };
    const send = (i: number) => {
      const slot = input.slots[i] as ScheduledDelivery;
      const req = request({
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(slot.body),
          'user-agent': 'GitHub-Hookshot/8e3b1f2',
          'x-github-event': 'pull_request',
          'x-github-delivery': slot.deliveryId,
          'x-github-hook-id': '4242424',
          'x-github-hook-installation-target-type': 'integration',
          'x-github-hook-installation-target-id': '4242',
          'x-hub-signature-256': slot.signature,
        },
      });
      // GitHub gives up after 10 s; so does the bench, counting it as a failure.
      const timer = setTimeout(
        () => req.destroy(new Error(`no answer in ${input.timeoutMs} ms`)),
        Math.max(0, startAt + i * input.intervalMs + input.timeoutMs - now()),
      );
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => {
          clearTimeout(timer);
          settle(i, res.statusCode ?? 0);
        });
        res.on('error', (error) => {
          clearTimeout(timer);
          settle(i, 0, error);
        });
      });
      req.on('error', (error) => {
        clearTimeout(timer);
        settle(i, 0, error);
      });
      req.end(slot.body);
    };
    const tick = () => {
      const t = now();
      while (next < n && startAt + next * input.intervalMs <= t) {
        result.maxSendLagMs = Math.max(
          result.maxSendLagMs,
          t - (startAt + next * input.intervalMs),
        );
        send(next);
        next += 1;
      }
      if (next < n) setTimeout(tick, Math.max(0, startAt + next * input.intervalMs - now()));
    };
    tick();
  });
}

if (parentPort) {
  const port = parentPort;
  void run(workerData as SenderInput).then((result) => port.postMessage(result));
}
