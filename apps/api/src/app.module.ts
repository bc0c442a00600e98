import type { ApiConfig } from '@berth/config';
import { OpsModule } from '@berth/observability';
import type { Stores } from '@berth/runtime';
import { type DynamicModule, Module } from '@nestjs/common';
import { BearerTokenGuard } from './environments/bearer-token.guard.js';
import { EnvironmentsController } from './environments/environments.controller.js';
import { API_CONFIG, STORES } from './tokens.js';
import { WebhooksController } from './webhooks/webhooks.controller.js';

export { API_CONFIG, STORES } from './tokens.js';

/** The control plane's HTTP face. It verifies, records and enqueues; it never touches Docker. */
@Module({})
export class ApiModule {
  static forRoot(config: ApiConfig, stores: Stores): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        OpsModule.forRoot({
          service: 'berth-api',
          logLevel: config.LOG_LEVEL,
          checks: stores.checks,
        }),
      ],
      controllers: [WebhooksController, EnvironmentsController],
      providers: [
        { provide: API_CONFIG, useValue: config },
        { provide: STORES, useValue: stores },
        BearerTokenGuard,
      ],
    };
  }
}
