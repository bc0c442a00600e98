import 'reflect-metadata';
import { apiConfigSchema, loadConfig } from '@berth/config';
import { runService } from '@berth/observability';
import { openStores } from '@berth/runtime';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ApiModule } from './app.module.js';

await runService({
  service: 'berth-api',
  loadConfig: () => loadConfig('berth-api', apiConfigSchema),
  start: async (config) => {
    const stores = openStores(config, 'berth-api');
    // rawBody: webhook signatures are computed over the exact bytes GitHub sent.
    const app = await NestFactory.create(ApiModule.forRoot(config, stores), {
      bufferLogs: true,
      rawBody: true,
    });
    app.useLogger(app.get(Logger));
    await app.listen(config.API_PORT, config.API_HOST);
    return {
      checks: stores.checks,
      addresses: { http: `http://${config.API_HOST}:${config.API_PORT}` },
      close: async () => {
        await app.close();
        await stores.close();
      },
    };
  },
});
