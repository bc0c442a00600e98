import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { Metrics } from './metrics.js';
import { METRICS } from './ops.tokens.js';

interface Req {
  method: string;
  route?: { path?: string };
  baseUrl?: string;
}
interface Res {
  statusCode: number;
  on(event: 'finish', listener: () => void): void;
}

/** Labels by route template, never the raw URL, to keep metric cardinality bounded. */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(@Inject(METRICS) private readonly metrics: Metrics) {}

  use(req: Req, res: Res, next: () => void) {
    const end = this.metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl ?? ''}${req.route.path}` : 'unmatched';
      const labels = { method: req.method, route, status: String(res.statusCode) };
      this.metrics.httpRequests.inc(labels);
      end(labels);
    });
    next();
  }
}
