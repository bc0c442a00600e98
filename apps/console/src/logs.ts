import { ApiError, type LogLine, type Problem } from './api.js';
import { parseSse } from './sse.js';

// One service's log over `GET /api/v1/environments/:id/logs` (decision 0030), signed in by the
// session cookie like every other read (a GET needs no CSRF header). The api redacts secret
// values in every line before it sends it; the console shows the lines as they come.

export interface LogHandlers {
  onLines(lines: LogLine[]): void;
  /** The stream ended: the container stopped, the tail was all (no follow), or an error. */
  onEnd(reason: string, error: boolean): void;
}

/** Opens the stream; resolves when it ends. Abort the signal to stop reading. */
export async function streamLogs(
  id: string,
  query: { service: string; tail: number; follow: boolean },
  handlers: LogHandlers,
  signal: AbortSignal,
): Promise<void> {
  const params = new URLSearchParams({
    service: query.service,
    tail: String(query.tail),
    follow: String(query.follow),
  });
  const res = await fetch(`/api/v1/environments/${encodeURIComponent(id)}/logs?${params}`, {
    credentials: 'same-origin',
    cache: 'no-store',
    headers: { accept: 'text/event-stream' },
    signal,
  });
  if (!res.ok || !res.body) {
    const problem = (await res.json().catch(() => ({}))) as Partial<Problem>;
    throw new ApiError(
      res.status,
      problem.detail ?? `${res.status} ${res.statusText}`,
      problem.fix,
    );
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      handlers.onEnd('the server closed the stream', false);
      return;
    }
    const { events, rest } = parseSse(buffer + value);
    buffer = rest;
    const lines: LogLine[] = [];
    for (const event of events) {
      if (event.event === 'log') lines.push(JSON.parse(event.data) as LogLine);
      if (event.event === 'end') {
        if (lines.length) handlers.onLines(lines);
        const end = JSON.parse(event.data) as { reason: string; error?: boolean };
        handlers.onEnd(end.reason, end.error === true);
        await reader.cancel().catch(() => undefined);
        return;
      }
    }
    if (lines.length) handlers.onLines(lines);
  }
}
