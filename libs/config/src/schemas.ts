import { z } from 'zod';
import {
  host,
  hostname,
  httpUrl,
  logLevel,
  port,
  positiveInt,
  postgresUrl,
  redisUrl,
  secret,
} from './fields.js';

const common = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: logLevel(),
  DATABASE_URL: postgresUrl(),
  REDIS_URL: redisUrl(),
};

export const apiConfigSchema = z.object({
  ...common,
  API_HOST: host('127.0.0.1'),
  API_PORT: port(3000),
  GITHUB_WEBHOOK_SECRET: secret(
    16,
    'the webhook secret configured on the GitHub App; generate one with `openssl rand -hex 32`',
  ),
  GITHUB_API_URL: httpUrl('e.g. https://api.github.com').default('https://api.github.com'),
});

export const workerConfigSchema = z.object({
  ...common,
  WORKER_HOST: host('127.0.0.1'),
  WORKER_PORT: port(3002),
  WORKER_CONCURRENCY: positiveInt(2, 'jobs processed at once per worker, default 2'),
  DOCKER_HOST: z
    .string()
    .optional()
    .describe('e.g. unix:///var/run/docker.sock or tcp://10.0.0.5:2375; unset = local socket'),
});

export const gatewayConfigSchema = z.object({
  ...common,
  GATEWAY_HOST: host('127.0.0.1'),
  GATEWAY_PORT: port(8080),
  GATEWAY_OPS_PORT: port(8081),
  BASE_DOMAIN: hostname(
    'localhost',
    'preview URLs are <service>-pr-<n>-<repo>.<BASE_DOMAIN>; default localhost',
  ),
});

export type ApiConfig = z.infer<typeof apiConfigSchema>;
export type WorkerConfig = z.infer<typeof workerConfigSchema>;
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
