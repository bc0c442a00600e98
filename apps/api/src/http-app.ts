import type { ApiConfig } from '@berth/config';
import type { Stores } from '@berth/runtime';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { ApiModule } from './app.module.js';
import { consoleDirectory, consoleMiddleware } from './console/index.js';
import { serveOpenApi } from './v1/index.js';

/** Webhook bodies stay raw bytes: the signature covers them exactly, and JSON is parsed after it. */
const isWebhook = (req: { url?: string }) => (req.url ?? '').startsWith('/webhooks/');

/** GitHub caps webhook payloads at 25 MB. */
const WEBHOOK_LIMIT = '25mb';

/**
 * The api's Nest application, configured the same way for the process (main.ts) and for tests.
 * The raw parser runs before Nest's JSON parser, which then skips the already-read webhook body:
 * a malformed webhook therefore reaches the controller, which answers 401 before 400.
 */
export async function createApiApp(
  config: ApiConfig,
  stores: Stores,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config, stores), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.useBodyParser('raw', { type: isWebhook, limit: WEBHOOK_LIMIT });
  // The REST API's OpenAPI document and its browsable page (decision 0029).
  serveOpenApi(app);
  // The admin console's static files under /console (decision 0033).
  app.use(consoleMiddleware(consoleDirectory()));
  return app;
}
