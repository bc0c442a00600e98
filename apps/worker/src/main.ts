import 'reflect-metadata';
import { setPriority } from 'node:os';
import { loadConfig, workerConfigSchema } from '@berth/config';
import { runService, shutdownStep } from '@berth/observability';
import { openStores } from '@berth/runtime';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { startLifecycle, workerPoolSize } from './lifecycle/lifecycle.js';
import { WorkerModule } from './worker.module.js';

await runService({
  service: 'berth-worker',
  loadConfig: () => loadConfig('berth-worker', workerConfigSchema),
  start: async (config, logger) => {
    if (config.WORKER_NICE > 0) setPriority(config.WORKER_NICE);
    const stores = openStores(config, 'berth-worker', {
      maxConnections: workerPoolSize(config.WORKER_CONCURRENCY),
    });
    const lifecycle = await startLifecycle(
      config,
      stores,
      logger.child({ component: 'lifecycle' }),
    );
    const checks = [...stores.checks, ...lifecycle.checks];
    const app = await NestFactory.create(
      WorkerModule.forRoot(config, checks, lifecycle.registerMetrics),
      {
        bufferLogs: true,
      },
    );
    app.useLogger(app.get(Logger));
    await app.listen(config.WORKER_PORT, config.WORKER_HOST);
    return {
      checks,
      addresses: { ops: `http://${config.WORKER_HOST}:${config.WORKER_PORT}` },
      // Each step bounded (shutdownStep), so the whole stays inside run-service's 10 s even when
      // a step hangs, and the log names the one that did.
      close: async () => {
        await lifecycle.close();
        await shutdownStep(logger, 'ops server', 1_000, () => app.close());
        await shutdownStep(logger, 'Postgres and Redis', 2_000, () => stores.close());
      },
    };
  },
});
