import 'reflect-metadata';
import { gatewayConfigSchema, loadConfig } from '@berth/config';
import { runService } from '@berth/observability';
import { startGateway } from './gateway.js';

await runService({
  service: 'berth-gateway',
  loadConfig: () => loadConfig('berth-gateway', gatewayConfigSchema),
  start: startGateway,
});
