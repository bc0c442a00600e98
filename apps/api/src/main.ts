import 'reflect-metadata';
import { apiConfigSchema, loadConfig } from '@berth/config';
import { warmPool } from '@berth/db';
import { runService } from '@berth/observability';
import { openStores } from '@berth/runtime';
import { createApiApp } from './http-app.js';

/**
 * The api's Postgres connections. A webhook holds one for a single INSERT (~1 ms), so 10 serve
 * far more than GitHub sends; kept open so a burst after a quiet spell pays no connects.
 */
const API_POOL_SIZE = 10;

await runService({
  service: 'berth-api',
  loadConfig: () => loadConfig('berth-api', apiConfigSchema),
  start: async (config) => {
    // The whole pool stays open and is opened before listening: see API_POOL_SIZE.
    const stores = openStores(config, 'berth-api', {
      maxConnections: API_POOL_SIZE,
      minConnections: API_POOL_SIZE,
    });
    await warmPool(stores.prisma);
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
