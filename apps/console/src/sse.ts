// Server-sent events read from a fetch body (decision 0030's `text/event-stream`). The console
// reads the log stream with fetch rather than EventSource: fetch sees the api's status and
// problem answer (404 no such service, 503 no worker), which EventSource hides behind a bare
// `error`, and it never reconnects by itself (a reconnect would tail the same lines again).

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * Splits what has arrived so far into complete events and the unfinished rest. Comment lines
 * (`: heartbeat`) and blocks without data are dropped; several `data:` lines join with `\n`.
 */
export function parseSse(buffer: string): { events: SseEvent[]; rest: string } {
  const text = buffer.replace(/\r\n?/g, '\n');
  const blocks = text.split('\n\n');
  const rest = blocks.pop() ?? '';
  const events: SseEvent[] = [];
  for (const block of blocks) {
    let event = 'message';
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
    }
    if (data.length > 0) events.push({ event, data: data.join('\n'), ...(id ? { id } : {}) });
  }
  return { events, rest };
}

/** Appends lines and keeps only the newest `max`: a followed log must not grow without end. */
export function appendBounded<T>(lines: readonly T[], more: readonly T[], max: number): T[] {
  const all = lines.concat(more);
  return all.length > max ? all.slice(all.length - max) : all;
}
