import type { GatewayConfig } from '@berth/config';
import { OpsModule, type ReadinessCheck } from '@berth/observability';
import { type DynamicModule, Module } from '@nestjs/common';

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

/** Operational endpoints of the gateway, served on GATEWAY_OPS_PORT, never on the public port. */
@Module({})
export class GatewayOpsModule {
  static forRoot(config: GatewayConfig, checks: ReadinessCheck[]): DynamicModule {
    return {
      module: GatewayOpsModule,
      imports: [
        OpsModule.forRoot({
          service: 'berth-gateway',
          logLevel: config.LOG_LEVEL,
          checks,
        }),
      ],
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }],
    };
  }
}
