import 'reflect-metadata';
import { apiConfigSchema, loadConfig } from '@berth/config';
import { runService } from '@berth/observability';
import { openStores } from '@berth/runtime';
import { createApiApp } from './http-app.js';

await runService({
  service: 'berth-api',
  loadConfig: () => loadConfig('berth-api', apiConfigSchema),
  start: async (config) => {
    const stores = openStores(config, 'berth-api');
    const app = await createApiApp(config, stores);
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
