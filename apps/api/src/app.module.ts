import type { ApiConfig } from '@berth/config';
import { OpsModule } from '@berth/observability';
import type { Stores } from '@berth/runtime';
import { type DynamicModule, Module } from '@nestjs/common';

export const API_CONFIG = Symbol('API_CONFIG');
export const STORES = Symbol('STORES');

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
      providers: [
        { provide: API_CONFIG, useValue: config },
        { provide: STORES, useValue: stores },
      ],
    };
  }
}
