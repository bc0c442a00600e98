import { describe, expect, it } from 'vitest';
import { ApiError } from '../admin-client.js';
import { type LogEvent, logEvents, logLine, logsQuery } from './env-logs.js';

/** The body as the network hands it over: arbitrary chunk boundaries, bytes not strings. */
async function* chunks(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

const line = (n: number, extra: Partial<LogEvent> = {}): LogEvent => ({
  service: 'web',
  stream: 'stdout',
  time: `2026-12-04T13:00:0${n}.000000000Z`,
  line: `request ${n} — ok`,
  ...extra,
});

const sse = (events: [string, unknown][]) =>
  events.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join('');

describe('berth env logs: the SSE body', () => {
  it('yields each log event in order whatever the chunking, and stops at end', async () => {
    const body = `: keep-alive\n\n${sse([
      ['log', line(1)],
      ['log', line(2, { stream: 'stderr' })],
      ['end', { reason: 'the container stopped' }],
      ['log', line(3)],
    ])}`;
    for (const size of [1, 3, 7, 64, 4096]) {
      const seen: LogEvent[] = [];
      for await (const event of logEvents(chunks(body, size))) seen.push(event);
      expect(seen).toEqual([line(1), line(2, { stream: 'stderr' })]);
    }
  });

  it('ends with the body when the api closes without `end`', async () => {
    const seen: LogEvent[] = [];
    for await (const event of logEvents(chunks(sse([['log', line(1)]]), 5))) seen.push(event);
    expect(seen).toEqual([line(1)]);
  });

  it('throws the detail of an `error` event', async () => {
    const body = sse([
      ['log', line(1)],
      ['error', { detail: 'no service named worker in acme/shop#12' }],
    ]);
    const seen: LogEvent[] = [];
    await expect(async () => {
      for await (const event of logEvents(chunks(body, 16))) seen.push(event);
    }).rejects.toThrow(new ApiError('no service named worker in acme/shop#12'));
    expect(seen).toEqual([line(1)]);
  });

  it('throws the reason of an `end` that says the worker failed', async () => {
    const body = sse([
      ['log', line(1)],
      ['end', { reason: 'no container for web', error: true }],
    ]);
    await expect(async () => {
      for await (const _ of logEvents(chunks(body, 9))) void _;
    }).rejects.toThrow('the log stream failed: no container for web');
  });

  it('asks for the service, the tail and follow', () => {
    expect(logsQuery({ service: 'web', follow: false })).toEqual({ service: 'web' });
    expect(logsQuery({ service: 'web', tail: 50, follow: true })).toEqual({
      service: 'web',
      tail: 50,
      follow: 'true',
    });
  });

  it('prints the line as written, its time when asked', () => {
    expect(logLine(line(1), false)).toBe('request 1 — ok');
    expect(logLine(line(1), true)).toBe('2026-12-04T13:00:01.000000000Z request 1 — ok');
  });
});
