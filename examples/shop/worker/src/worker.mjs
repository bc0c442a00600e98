// Consumes the api's confirm-order jobs. The queue name and key prefix come from the
// environment so two copies of the shop never read each other's jobs.
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { confirmOrder } from './confirm-order.mjs';

function log(msg, extra = {}) {
  console.log(JSON.stringify({ service: 'worker', msg, ...extra }));
}

function required(name, hint) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: ${hint}`);
  return value;
}

const databaseUrl = required('DATABASE_URL', 'give postgres://user:password@host:5432/db');
const redisUrl = required('REDIS_URL', 'give redis://host:6379');
const queueName = process.env.SHOP_QUEUE_NAME || 'orders';
const queuePrefix = process.env.SHOP_QUEUE_PREFIX || 'shop';

const pool = new pg.Pool({ connectionString: databaseUrl, max: 5 });
// Blocking reads need maxRetriesPerRequest: null (BullMQ refuses otherwise). BullMQ loads
// ioredis itself only under CommonJS; in ESM it needs a client instance.
const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });

const worker = new Worker(
  queueName,
  async (job) => {
    if (job.name !== 'confirm-order') throw new Error(`unknown job name ${job.name}`);
    const orderId = Number(job.data?.orderId);
    if (!Number.isInteger(orderId)) throw new Error(`job ${job.id} has no numeric orderId`);
    return confirmOrder(pool, orderId);
  },
  { connection, prefix: queuePrefix, concurrency: 5 },
);

worker.on('ready', () => log('ready', { queue: queueName, prefix: queuePrefix }));
worker.on('completed', (job, result) => log('confirmed', { jobId: job.id, ...result }));
worker.on('failed', (job, error) =>
  log('job failed', { jobId: job?.id, attempt: job?.attemptsMade, error: error.message }),
);
worker.on('error', (error) => log('worker error', { error: error.message }));

async function shutdown(signal) {
  log('shutting down', { signal });
  await worker.close();
  await pool.end();
  connection.disconnect();
  process.exit(0);
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
