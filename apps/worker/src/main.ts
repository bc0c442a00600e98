import 'reflect-metadata';
import { loadConfig, workerConfigSchema } from '@berth/config';
import { runService } from '@berth/observability';
import { openStores } from '@berth/runtime';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { WorkerModule } from './worker.module.js';

await runService({
  service: 'berth-worker',
  loadConfig: () => loadConfig('berth-worker', workerConfigSchema),
  start: async (config) => {
    const stores = openStores(config, 'berth-worker');
    const app = await NestFactory.create(WorkerModule.forRoot(config, stores), {
      bufferLogs: true,
    });
    app.useLogger(app.get(Logger));
    await app.listen(config.WORKER_PORT, config.WORKER_HOST);
    return {
      checks: stores.checks,
      addresses: { ops: `http://${config.WORKER_HOST}:${config.WORKER_PORT}` },
      close: async () => {
        await app.close();
        await stores.close();
      },
    };
  },
});
