import { type ClientRequest, request as httpRequest } from 'node:http';

// A server-sent events reader for tests: collects `event`/`data`/`id` blocks and comment lines
// as they arrive, so a test can wait for one and close the connection mid-stream.

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

export class SseClient {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  ended = false;
  private buffer = '';

  private constructor(
    private readonly req: ClientRequest,
    readonly status: number,
    readonly contentType: string,
  ) {}

  /** Opens `url`; a non-200 answer resolves too, with its body as `body`. */
  static open(
    url: string,
    headers: Record<string, string>,
  ): Promise<SseClient & { body?: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(url, { headers: { accept: 'text/event-stream', ...headers } });
      req.on('error', reject);
      req.on('response', (res) => {
        const client = new SseClient(
          req,
          res.statusCode ?? 0,
          String(res.headers['content-type'] ?? ''),
        ) as SseClient & { body?: string };
        res.setEncoding('utf8');
        if (client.status !== 200) {
          let body = '';
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve(Object.assign(client, { body })));
          return;
        }
        res.on('data', (chunk: string) => client.feed(chunk));
        res.on('end', () => (client.ended = true));
        res.on('close', () => (client.ended = true));
        res.on('error', () => (client.ended = true));
        resolve(client);
      });
      req.end();
    });
  }

  /** The events named `event`, their data parsed as JSON. */
  data<T>(event: string): T[] {
    return this.events.filter((e) => e.event === event).map((e) => JSON.parse(e.data) as T);
  }

  close(): void {
    this.req.destroy();
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let cut: number;
    while ((cut = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, cut);
      this.buffer = this.buffer.slice(cut + 2);
      const event: SseEvent = { event: 'message', data: '' };
      let isEvent = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else if (line.startsWith('event: ')) [event.event, isEvent] = [line.slice(7), true];
        else if (line.startsWith('data: ')) [event.data, isEvent] = [line.slice(6), true];
        else if (line.startsWith('id: ')) event.id = line.slice(4);
      }
      if (isEvent) this.events.push(event);
    }
  }
}
