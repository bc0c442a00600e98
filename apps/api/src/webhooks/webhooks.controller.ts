import type { ApiConfig } from '@berth/config';
import { handlePullRequestDelivery, PayloadError, recordDelivery } from '@berth/lifecycle';
import type { Stores } from '@berth/runtime';
import {
  BadRequestException,
  Controller,
  Headers,
  HttpCode,
  Inject,
  Logger,
  Post,
  Req,
  UnauthorizedException,
} from '@nestjs/common';
import { API_CONFIG, STORES } from '../tokens.js';
import { verifyWebhookSignature } from './signature.js';

/** The raw parser (see http-app.ts) leaves the exact bytes on `body`; absent for an empty body. */
interface RawRequest {
  body?: unknown;
}

const DELIVERY_ID = /^[\w.:-]{1,200}$/;

export interface WebhookAnswer {
  status: 'processed' | 'ignored' | 'duplicate';
  deliveryId: string;
  detail?: string;
  environmentId?: string;
  generation?: number;
  state?: string;
  jobs?: string[];
}

/**
 * `POST /webhooks/github`: verify, record, enqueue — nothing slower (GitHub gives up after 10 s).
 * Order matters: the signature is checked before anything else is read, so an unsigned or forged
 * request is 401 whatever it contains, and nothing about it is stored.
 */
@Controller('webhooks')
export class WebhooksController {
  private readonly logger = new Logger('webhooks');

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(STORES) private readonly stores: Stores,
  ) {}

  @Post('github')
  @HttpCode(202)
  async receive(
    @Req() req: RawRequest,
    @Headers('x-hub-signature-256') signature: string | undefined,
    @Headers('x-github-event') event: string | undefined,
    @Headers('x-github-delivery') deliveryId: string | undefined,
  ): Promise<WebhookAnswer> {
    const started = performance.now();
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!signature) {
      throw new UnauthorizedException('X-Hub-Signature-256 is missing: the delivery is unsigned');
    }
    if (!verifyWebhookSignature(this.config.GITHUB_WEBHOOK_SECRET, raw, signature)) {
      throw new UnauthorizedException(
        'X-Hub-Signature-256 does not match the body: check GITHUB_WEBHOOK_SECRET',
      );
    }
    if (!deliveryId || !DELIVERY_ID.test(deliveryId)) {
      throw new BadRequestException(
        'X-GitHub-Delivery is missing or invalid (expected the delivery GUID)',
      );
    }
    if (!event || !/^[a-z_]{1,64}$/.test(event)) {
      throw new BadRequestException(
        'X-GitHub-Event is missing or invalid (expected e.g. pull_request)',
      );
    }
    let payload: unknown;
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      await recordDelivery(this.stores.prisma, { deliveryId, event }, 'rejected', 'malformed JSON');
      throw new BadRequestException(`the body is not valid JSON: ${(error as Error).message}`);
    }

    const answer = await this.dispatch(deliveryId, event, payload);
    this.logger.log({
      msg: 'webhook handled',
      deliveryId,
      event,
      status: answer.status,
      detail: answer.detail,
      durationMs: Math.round(performance.now() - started),
    });
    return answer;
  }

  private async dispatch(
    deliveryId: string,
    event: string,
    payload: unknown,
  ): Promise<WebhookAnswer> {
    const { prisma, queue } = this.stores;
    if (event !== 'pull_request') {
      const detail = event === 'ping' ? 'ping' : `event ${event} is not handled`;
      const fresh = await recordDelivery(prisma, { deliveryId, event }, 'ignored', detail);
      return { status: fresh ? 'ignored' : 'duplicate', deliveryId, detail };
    }
    const action = (payload as { action?: unknown } | null)?.action;
    try {
      const result = await handlePullRequestDelivery(
        { prisma, queue },
        { deliveryId, event, ...(typeof action === 'string' ? { action } : {}) },
        payload,
      );
      if (result.status === 'replay') return { status: 'duplicate', deliveryId };
      if (result.status === 'ignored')
        return { status: 'ignored', deliveryId, detail: result.detail };
      return {
        status: 'processed',
        deliveryId,
        detail: result.detail,
        environmentId: result.environmentId,
        generation: result.generation,
        state: result.state,
        jobs: result.jobIds,
      };
    } catch (error) {
      if (error instanceof PayloadError) throw new BadRequestException(error.message);
      throw error;
    }
  }
}
