import { describe, expect, it } from 'vitest';
import { appendBounded, parseSse } from './sse.js';

describe('server-sent events from a fetch body', () => {
  it('reads complete blocks and keeps the unfinished rest', () => {
    const { events, rest } = parseSse(
      ': connected\n\nevent: log\ndata: {"line":"a"}\n\nevent: end\ndata: {"re',
    );
    expect(events).toEqual([{ event: 'log', data: '{"line":"a"}' }]);
    expect(rest).toBe('event: end\ndata: {"re');
    const next = parseSse(`${rest}ason":"stopped"}\n\n`);
    expect(next.events).toEqual([{ event: 'end', data: '{"reason":"stopped"}' }]);
    expect(next.rest).toBe('');
  });

  it('joins data lines, takes ids and CRLF, and drops comments and empty blocks', () => {
    expect(
      parseSse('id: 1-0\r\nevent: environment\r\ndata: x\r\ndata: y\r\n\r\n: heartbeat\n\n').events,
    ).toEqual([{ event: 'environment', data: 'x\ny', id: '1-0' }]);
    expect(parseSse('data:plain\n\n').events).toEqual([{ event: 'message', data: 'plain' }]);
    expect(parseSse('event: log\n\n').events).toEqual([]);
  });
});

describe('a bounded log buffer', () => {
  it('keeps the newest lines only', () => {
    expect(appendBounded([1, 2, 3], [4, 5], 4)).toEqual([2, 3, 4, 5]);
    expect(appendBounded([1], [2], 4)).toEqual([1, 2]);
    expect(appendBounded([], [1, 2, 3, 4, 5, 6], 2)).toEqual([5, 6]);
  });
});
