import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Metrics } from './metrics.js';
import { METRICS, OPS_OPTIONS } from './ops.tokens.js';
import { runReadiness } from './readiness.js';
import type { OpsOptions } from './ops.module.js';

/** The slice of Express's response these handlers touch (avoids depending on @types/express). */
interface Reply {
  status(code: number): Reply;
  setHeader(name: string, value: string): void;
  send(body: unknown): void;
}

@Controller()
export class OpsController {
  private readonly startedAt = Date.now();

  constructor(
    @Inject(OPS_OPTIONS) private readonly options: OpsOptions,
    @Inject(METRICS) private readonly metrics: Metrics,
  ) {}

  /** Liveness: the event loop answers. Never touches dependencies, so a DB outage never restarts us. */
  @Get('healthz')
  healthz() {
    return {
      status: 'ok',
      service: this.options.service,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
    };
  }

  /** Readiness: every dependency answers; 503 with the failing ones named otherwise. */
  @Get('readyz')
  async readyz(@Res() res: Reply) {
    const report = await runReadiness(this.options.checks);
    res.status(report.ready ? 200 : 503).send({
      status: report.ready ? 'ready' : 'not_ready',
      service: this.options.service,
      ...report,
    });
  }

  @Get('metrics')
  async prometheus(@Res() res: Reply) {
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.send(await this.metrics.registry.metrics());
  }
}
