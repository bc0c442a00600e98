import type { ServerResponse } from 'node:http';
import type { ApiConfig } from '@berth/config';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { API_CONFIG } from '../../tokens.js';

// Server-sent events (decision 0030): `text/event-stream`, one `event:`/`data:` block per message,
// and a comment line every SSE_HEARTBEAT_S so proxies and load balancers do not close a quiet
// stream. Written straight to the socket: Nest's interceptors see no body.

export class SseStream {
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;
  private readonly closers: (() => void)[] = [];

  constructor(
    private readonly response: ServerResponse,
    heartbeatMs: number,
  ) {
    response.statusCode = 200;
    response.setHeader('content-type', 'text/event-stream; charset=utf-8');
    response.setHeader('cache-control', 'no-cache, no-transform');
    response.setHeader('connection', 'keep-alive');
    // nginx buffers responses unless told not to.
    response.setHeader('x-accel-buffering', 'no');
    response.flushHeaders();
    response.write(': connected\n\n');
    this.heartbeat = setInterval(() => this.comment('heartbeat'), heartbeatMs);
    this.heartbeat.unref();
    // The client left (or the server is closing the socket).
    response.on('close', () => this.finish());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Runs once when the stream ends, whoever ends it. */
  onClose(closer: () => void): void {
    if (this.closed) closer();
    else this.closers.push(closer);
  }

  send(event: string, data: unknown, id?: string): void {
    if (this.closed) return;
    // JSON has no raw newlines, so one `data:` line carries it.
    this.response.write(
      `${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`,
    );
  }

  comment(text: string): void {
    if (!this.closed) this.response.write(`: ${text}\n\n`);
  }

  end(): void {
    if (this.closed) return;
    this.response.end();
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const closer of this.closers.splice(0)) closer();
  }
}

/**
 * The api's open event streams: ended when the app closes (`EventSource` clients reconnect,
 * with `Last-Event-ID` on the feed), so a shutdown never waits on a stream that never ends.
 */
@Injectable()
export class SseStreams implements OnModuleDestroy {
  private readonly open = new Set<SseStream>();

  constructor(@Inject(API_CONFIG) private readonly config: ApiConfig) {}

  start(response: ServerResponse): SseStream {
    const stream = new SseStream(response, this.config.SSE_HEARTBEAT_S * 1000);
    this.open.add(stream);
    stream.onClose(() => this.open.delete(stream));
    return stream;
  }

  onModuleDestroy(): void {
    for (const stream of [...this.open]) {
      stream.comment('the server is restarting: reconnect');
      stream.end();
    }
  }
}
