import {
  type DynamicModule,
  type MiddlewareConsumer,
  Module,
  type NestModule,
} from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { requestWithoutSecrets } from './request-log.js';
import { HttpMetricsMiddleware } from './http-metrics.middleware.js';
import { loggerOptions } from './logger.js';
import { createMetrics } from './metrics.js';
import { OpsController } from './ops.controller.js';
import { METRICS, OPS_OPTIONS } from './ops.tokens.js';
import type { ReadinessCheck } from './readiness.js';
import type { Metrics } from './metrics.js';
import type { Registry } from 'prom-client';

function withAppMetrics(metrics: Metrics, options: OpsOptions): Metrics {
  options.register?.(metrics.registry);
  return metrics;
}

export interface OpsOptions {
  service: string;
  logLevel: string;
  checks: ReadinessCheck[];
  /** Registers the app's own metrics (gauges, counters) on its registry. */
  register?: (registry: Registry) => void;
}

/** /healthz, /readyz, /metrics and JSON request logs: the same operational surface for every app. */
@Module({})
export class OpsModule implements NestModule {
  static forRoot(options: OpsOptions): DynamicModule {
    return {
      module: OpsModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            ...loggerOptions(options.service, options.logLevel),
            // Sign-in callbacks and share links carry credentials in the query string.
            serializers: { req: requestWithoutSecrets },
            // Probes and scrapes every few seconds would drown real traffic in the logs.
            autoLogging: { ignore: (req) => /^\/(healthz|readyz|metrics)$/.test(req.url ?? '') },
          },
        }),
      ],
      controllers: [OpsController],
      providers: [
        { provide: OPS_OPTIONS, useValue: options },
        { provide: METRICS, useValue: withAppMetrics(createMetrics(options.service), options) },
      ],
      exports: [METRICS],
    };
  }

  configure(consumer: MiddlewareConsumer) {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }
}
