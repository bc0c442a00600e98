// The shop's JSON API. POST /orders records an order and queues its confirmation;
// GET /orders/:id reports the order and whether the worker recorded the email.
import http from 'node:http';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { readConfig } from './config.mjs';
import { corsHeaders, preflightHeaders } from './cors.mjs';
import { BadRequest, readJson, sendJson, withTimeout } from './http.mjs';
import { parseOrderInput } from './order-input.mjs';
import { deleteOrder, findOrder, insertOrder, schemaVersion } from './orders.mjs';

function log(msg, extra = {}) {
  console.log(JSON.stringify({ service: 'api', msg, ...extra }));
}

const config = readConfig(process.env);
const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 5 });
// BullMQ loads ioredis itself only under CommonJS; in ESM it needs a client instance.
const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2 });
const queue = new Queue(config.queueName, { connection: redis, prefix: config.queuePrefix });

// An api started before the migrate job finished would fail on every request; refuse to start.
const version = await schemaVersion(pool);
if (version === null) {
  log('database schema is not migrated: run the migrate service first');
  process.exit(1);
}

async function health() {
  const checks = await Promise.allSettled([
    withTimeout(pool.query('SELECT 1'), 2000, 'postgres'),
    withTimeout(redis.ping(), 2000, 'redis'),
  ]);
  const [db, cache] = checks.map((c) => (c.status === 'fulfilled' ? 'ok' : c.reason.message));
  return { ok: db === 'ok' && cache === 'ok', db, redis: cache };
}

async function createOrder(req, res, cors) {
  const parsed = parseOrderInput(await readJson(req));
  if (parsed.errors) return sendJson(res, 400, { errors: parsed.errors }, cors);
  const order = await insertOrder(pool, parsed.order);
  try {
    // jobId makes a retried enqueue of the same order collapse into one job.
    await queue.add(
      'confirm-order',
      { orderId: order.id },
      {
        jobId: `order-${order.id}`,
        attempts: 5,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: 1000,
      },
    );
  } catch (error) {
    // Without its job the order would stay pending forever: undo it and let the client retry.
    await deleteOrder(pool, order.id);
    log('enqueue failed', { orderId: order.id, error: error.message });
    return sendJson(res, 503, { error: 'could not queue the order, try again' }, cors);
  }
  log('order created', { orderId: order.id });
  return sendJson(res, 201, order, { ...cors, Location: `/orders/${order.id}` });
}

async function handle(req, res) {
  const url = new URL(req.url ?? '/', 'http://api.invalid');
  const origin = req.headers.origin;
  const cors = corsHeaders(origin, config.webOrigin);

  if (req.method === 'OPTIONS') {
    const headers = preflightHeaders(origin, config.webOrigin);
    if (!headers) return sendJson(res, 403, { error: `origin ${origin} is not allowed` });
    res.writeHead(204, headers);
    return res.end();
  }
  if (url.pathname === '/healthz' && req.method === 'GET') {
    const status = await health();
    return sendJson(res, status.ok ? 200 : 503, { ...status, schemaVersion: version });
  }
  if (url.pathname === '/orders' && req.method === 'POST') {
    return createOrder(req, res, cors);
  }
  const match = /^\/orders\/(\d{1,9})$/.exec(url.pathname);
  if (match && req.method === 'GET') {
    const order = await findOrder(pool, Number(match[1]));
    if (!order) return sendJson(res, 404, { error: `order ${match[1]} not found` }, cors);
    return sendJson(res, 200, order, cors);
  }
  return sendJson(res, 404, { error: `no route for ${req.method} ${url.pathname}` }, cors);
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((error) => {
    if (error instanceof BadRequest) return sendJson(res, 400, { errors: [error.message] });
    log('request failed', { method: req.method, url: req.url, error: error.message });
    if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
  });
});

server.listen(config.port, () => {
  log('listening', { port: config.port, schemaVersion: version, webOrigin: config.webOrigin });
});

// Node as PID 1 ignores SIGTERM unless handled: without this, `docker stop` waits 10 s.
async function shutdown(signal) {
  log('shutting down', { signal });
  server.close();
  await Promise.allSettled([queue.close(), pool.end()]);
  redis.disconnect();
  process.exit(0);
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
