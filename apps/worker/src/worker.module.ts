import type { WorkerConfig } from '@berth/config';
import { OpsModule, type OpsOptions, type ReadinessCheck } from '@berth/observability';
import { type DynamicModule, Module } from '@nestjs/common';

export const WORKER_CONFIG = Symbol('WORKER_CONFIG');

/**
 * The worker's HTTP surface: only /healthz, /readyz (Postgres, Redis, Docker) and /metrics, so
 * orchestrators probe it like the other apps. The queue consumer runs beside it (lifecycle/).
 */
@Module({})
export class WorkerModule {
  static forRoot(
    config: WorkerConfig,
    checks: ReadinessCheck[],
    register?: OpsOptions['register'],
  ): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        OpsModule.forRoot({
          service: 'berth-worker',
          logLevel: config.LOG_LEVEL,
          checks,
          ...(register ? { register } : {}),
        }),
      ],
      providers: [{ provide: WORKER_CONFIG, useValue: config }],
    };
  }
}
