import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { notFoundPage } from './not-found-page.js';

export interface FrontDoorOptions {
  baseDomain: string;
}

/**
 * The public listener: every Host belongs to a preview, so operational endpoints live on a
 * separate port. Until routes exist every host gets the same clear 404.
 */
export function createFrontDoor(options: FrontDoorOptions): Server {
  const server = createServer((req, res) => {
    const host = hostOf(req);
    const body = notFoundPage(host, options.baseDomain);
    res.writeHead(404, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
      'x-berth-gateway': 'no-route',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    socket.end(`HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    void req;
  });
  return server;
}

/** Host without port, lower-cased; browsers may send either. */
export function hostOf(req: IncomingMessage): string {
  return (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
}
