// A BuildKit session that serves build secrets (decision 0037). The engine's `POST /session`
// upgrades the connection to h2c; from then on the *engine* is the gRPC client and Berth serves
// the methods it announced in the upgrade headers (moby's session manager, BuildKit's
// session/secrets). Values live in this process's memory only: never on disk, never in a query.

import { randomBytes } from 'node:crypto';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { bytesField, protoFields, varintField } from './buildkit-protobuf.js';

const GET_SECRET = '/moby.buildkit.secrets.v1.Secrets/GetSecret';
const HEALTH_CHECK = '/grpc.health.v1.Health/Check';
/** gRPC status codes used here (grpc/codes). */
const GRPC_OK = 0;
const GRPC_NOT_FOUND = 5;
const GRPC_UNIMPLEMENTED = 12;
const GRPC_INTERNAL = 13;

export interface BuildkitSession {
  /** Goes in the build query as `session=`. */
  id: string;
  /** Secret ids the engine asked for, in order (for tests and messages; never values). */
  requested: string[];
  close(): void;
}

/** How docker-modem reaches the engine; read back from the modem so DOCKER_HOST is honoured. */
interface ModemEndpoint {
  socketPath?: string | (() => string | Promise<string>);
  host?: string;
  port?: string | number;
  protocol?: string;
  version?: string;
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
}

/** Opens the session and starts serving `secrets` (id → value); resolves once upgraded. */
export async function openSecretsSession(
  docker: Docker,
  secrets: Readonly<Record<string, string>>,
): Promise<BuildkitSession> {
  const modem = docker.modem as ModemEndpoint;
  const id = randomBytes(16).toString('hex');
  const socketPath =
    typeof modem.socketPath === 'function' ? await modem.socketPath() : modem.socketPath;
  const headers = {
    Connection: 'Upgrade',
    Upgrade: 'h2c',
    'X-Docker-Expose-Session-Uuid': id,
    'X-Docker-Expose-Session-Name': 'berth-build',
    // BuildKit keys its file-sync cache by this; Berth sends no local files through the session.
    'X-Docker-Expose-Session-Sharedkey': id,
    'X-Docker-Expose-Session-Grpc-Method': [GET_SECRET, HEALTH_CHECK],
  };
  const path = `${modem.version ? `/${modem.version}` : ''}/session`;
  const request = socketPath
    ? http.request({ socketPath, path, method: 'POST', headers })
    : modem.protocol === 'https'
      ? https.request({
          host: modem.host,
          port: modem.port,
          path,
          method: 'POST',
          headers,
          ...(modem.ca ? { ca: modem.ca } : {}),
          ...(modem.cert ? { cert: modem.cert } : {}),
          ...(modem.key ? { key: modem.key } : {}),
        })
      : http.request({ host: modem.host, port: modem.port, path, method: 'POST', headers });

  const socket = await new Promise<Duplex>((resolve, reject) => {
    request.on('upgrade', (_res, upgraded, head) => {
      if (head.length) upgraded.unshift(head);
      resolve(upgraded);
    });
    request.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () =>
        reject(
          new Error(
            `the engine refused a BuildKit session (HTTP ${res.statusCode}): ${body.trim()}`,
          ),
        ),
      );
    });
    request.on('error', reject);
    request.end();
  });

  const requested: string[] = [];
  const server = http2.createServer();
  server.on('stream', (stream, streamHeaders) => {
    const method = streamHeaders[':path'];
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', () => undefined); // the engine hung up; nothing to answer
    stream.on('end', () => {
      let body: Buffer;
      try {
        body = unframe(Buffer.concat(chunks));
      } catch (error) {
        // A throw here would be uncaught in the worker: answer the engine instead.
        fail(stream, GRPC_INTERNAL, (error as Error).message);
        return;
      }
      if (method === HEALTH_CHECK) {
        reply(stream, varintField(1, 1)); // HealthCheckResponse{status: SERVING}
      } else if (method === GET_SECRET) {
        const secretId = getSecretRequestId(body);
        requested.push(secretId);
        const value = Object.hasOwn(secrets, secretId) ? secrets[secretId] : undefined;
        if (value === undefined) {
          fail(stream, GRPC_NOT_FOUND, `no build secret ${secretId} in this build`);
        } else {
          reply(stream, bytesField(1, Buffer.from(value, 'utf8'))); // GetSecretResponse{data}
        }
      } else {
        fail(stream, GRPC_UNIMPLEMENTED, `${String(method)} is not served`);
      }
    });
  });
  server.on('sessionError', () => undefined);
  socket.on('error', () => undefined); // closing mid-build resets the socket; the build reports it
  server.emit('connection', socket);

  return {
    id,
    requested,
    close: () => {
      socket.destroy();
      server.close();
    },
  };
}

/** GetSecretRequest{ string ID = 1; map<string,string> annotations = 2 } → ID. */
function getSecretRequestId(body: Buffer): string {
  for (const f of protoFields(body)) {
    if (f.field === 1 && f.wire === 2) return f.value.toString('utf8');
  }
  return '';
}

/** gRPC's length-prefixed message framing: 1 byte compressed flag, 4 bytes length. */
function unframe(data: Buffer): Buffer {
  if (data.length < 5) return Buffer.alloc(0);
  if (data[0] !== 0) throw new Error('compressed gRPC messages are not negotiated');
  return data.subarray(5, 5 + data.readUInt32BE(1));
}

function frame(message: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(message.length, 1);
  return Buffer.concat([header, message]);
}

function reply(stream: http2.ServerHttp2Stream, message: Buffer): void {
  stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
  stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': String(GRPC_OK) }));
  stream.end(frame(message));
}

/** A trailers-only response: the status rides on the headers. */
function fail(stream: http2.ServerHttp2Stream, code: number, message: string): void {
  stream.respond(
    {
      ':status': 200,
      'content-type': 'application/grpc',
      'grpc-status': String(code),
      'grpc-message': encodeURIComponent(message),
    },
    { endStream: true },
  );
}
