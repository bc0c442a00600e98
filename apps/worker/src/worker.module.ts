import type { WorkerConfig } from '@berth/config';
import { OpsModule } from '@berth/observability';
import type { Stores } from '@berth/runtime';
import { type DynamicModule, Module } from '@nestjs/common';

export const WORKER_CONFIG = Symbol('WORKER_CONFIG');
export const STORES = Symbol('STORES');

/**
 * Runs the lifecycle stages' queue processors. It still listens on HTTP, but only for
 * /healthz, /readyz and /metrics, so orchestrators can probe it like the other apps.
 */
@Module({})
export class WorkerModule {
  static forRoot(config: WorkerConfig, stores: Stores): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        OpsModule.forRoot({
          service: 'berth-worker',
          logLevel: config.LOG_LEVEL,
          checks: stores.checks,
        }),
      ],
      providers: [
        { provide: WORKER_CONFIG, useValue: config },
        { provide: STORES, useValue: stores },
      ],
    };
  }
}
