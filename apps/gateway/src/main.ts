import 'reflect-metadata';
import { once } from 'node:events';
import { gatewayConfigSchema, loadConfig } from '@berth/config';
import { runService } from '@berth/observability';
import { openStores } from '@berth/runtime';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { createFrontDoor } from './front-door.js';
import { GatewayOpsModule } from './gateway.module.js';

await runService({
  service: 'berth-gateway',
  loadConfig: () => loadConfig('berth-gateway', gatewayConfigSchema),
  start: async (config) => {
    const stores = openStores(config, 'berth-gateway');
    const ops = await NestFactory.create(GatewayOpsModule.forRoot(config, stores), {
      bufferLogs: true,
    });
    ops.useLogger(ops.get(Logger));
    await ops.listen(config.GATEWAY_OPS_PORT, config.GATEWAY_HOST);
    const frontDoor = createFrontDoor({ baseDomain: config.BASE_DOMAIN });
    frontDoor.listen(config.GATEWAY_PORT, config.GATEWAY_HOST);
    await Promise.race([
      once(frontDoor, 'listening'),
      once(frontDoor, 'error').then(([error]) => Promise.reject(error as Error)),
    ]);
    return {
      checks: stores.checks,
      addresses: {
        public: `http://${config.GATEWAY_HOST}:${config.GATEWAY_PORT}`,
        ops: `http://${config.GATEWAY_HOST}:${config.GATEWAY_OPS_PORT}`,
      },
      close: async () => {
        frontDoor.close();
        await ops.close();
        await stores.close();
      },
    };
  },
});
