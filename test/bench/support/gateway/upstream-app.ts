// The preview the gateway bench proxies to: a Node HTTP server that runs one Redis INCR per
// request (a real app's round trip to its cache), in containers on a network of the bench's own,
// reached at the container's IP (no published port, no docker-proxy in the path). The issue
// measured nginx → node → redis; no registry here serves nginx (nginx:1.27 on this engine is a
// Node stand-in), so the bench uses the two real fixture images: node → redis.
import { connect } from 'node:net';
import { httpRequest, waitFor } from '@berth/testing';
import type Docker from 'dockerode';

export const NODE_IMAGE = 'berth-fixture/node:24';
export const REDIS_IMAGE = 'berth-fixture/redis:7';
const APP_PORT = 8080;

/**
 * The app: one pipelined Redis connection (replies come back in order, so a FIFO of callbacks
 * matches them), `INCR hits` per request, a small JSON answer. CommonJS for `node -e`.
 */
const APP = `
const http = require('http'), net = require('net');
const waiting = []; let buffer = '';
const redis = net.connect(6379, 'redis'); redis.setNoDelay(true);
redis.on('error', (e) => { console.error('redis: ' + e.message); process.exit(1); });
redis.on('data', (chunk) => {
  buffer += chunk;
  for (let i; (i = buffer.indexOf('\\r\\n')) !== -1; ) {
    const line = buffer.slice(0, i); buffer = buffer.slice(i + 2);
    const answer = waiting.shift(); if (answer) answer(line);
  }
});
http.createServer((req, res) => {
  waiting.push((line) => {
    const body = JSON.stringify({ hits: Number(line.slice(1)), path: req.url });
    res.writeHead(line[0] === ':' ? 200 : 500, {
      'content-type': 'application/json', 'content-length': Buffer.byteLength(body),
      'set-cookie': 'app_session=1; Path=/; HttpOnly',
    });
    res.end(body);
  });
  redis.write('*2\\r\\n$4\\r\\nINCR\\r\\n$4\\r\\nhits\\r\\n');
}).listen(${APP_PORT}, () => console.log('listening on ${APP_PORT}'));
`;

export interface UpstreamApp {
  /** The app container's IP on the bench network, and its port. */
  address: string;
  port: number;
  network: string;
  remove: () => Promise<void>;
}

async function ipOn(container: Docker.Container, network: string): Promise<string> {
  const info = await container.inspect();
  const ip = info.NetworkSettings.Networks[network]?.IPAddress;
  if (!ip) throw new Error(`container ${info.Name} has no address on ${network}`);
  return ip;
}

/** Resolves once a TCP connection to host:port opens and answers PING with PONG. */
function redisPong(host: string): Promise<true | undefined> {
  return new Promise((resolve) => {
    const socket = connect(6379, host);
    socket.setTimeout(1_000, () => socket.destroy());
    socket.on('error', () => resolve(undefined));
    socket.on('close', () => resolve(undefined));
    socket.on('data', (data) => {
      resolve(data.toString().startsWith('+PONG') ? true : undefined);
      socket.destroy();
    });
    socket.write('PING\r\n');
  });
}

export async function startUpstreamApp(docker: Docker, name: string): Promise<UpstreamApp> {
  for (const image of [NODE_IMAGE, REDIS_IMAGE]) {
    const present = await docker
      .getImage(image)
      .inspect()
      .catch(() => null);
    if (!present) throw new Error(`${image} is missing: run scripts/bootstrap/images.sh`);
  }
  const labels = { 'berth.bench': 'gateway', 'berth.bench.run': name };
  const network = await docker.createNetwork({ Name: name, Driver: 'bridge', Labels: labels });
  const containers: Docker.Container[] = [];
  const remove = async () => {
    for (const c of containers) await c.remove({ force: true }).catch(() => undefined);
    await network.remove().catch(() => undefined);
  };
  try {
    const run = async (suffix: string, image: string, cmd?: string[]) => {
      const container = await docker.createContainer({
        name: `${name}-${suffix}`,
        Image: image,
        ...(cmd ? { Cmd: cmd } : {}),
        Labels: labels,
        HostConfig: { NetworkMode: name },
        NetworkingConfig: { EndpointsConfig: { [name]: { Aliases: [suffix] } } },
      });
      containers.push(container);
      await container.start();
      return container;
    };
    const redis = await run('redis', REDIS_IMAGE);
    const redisIp = await ipOn(redis, name);
    await waitFor('redis in the bench network', () => redisPong(redisIp), 30_000);
    const app = await run('app', NODE_IMAGE, ['node', '-e', APP]);
    const address = await ipOn(app, name);
    await waitFor(
      'the bench app',
      async () => {
        const res = await httpRequest(`http://${address}:${APP_PORT}/`, { timeoutMs: 1_000 });
        return res.status === 200 ? true : undefined;
      },
      30_000,
    );
    return { address, port: APP_PORT, network: name, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
