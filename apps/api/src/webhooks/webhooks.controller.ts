import type { ApiConfig } from '@berth/config';
import {
  isHandledAction,
  notOurChatCommand,
  notOurRerun,
  parseCheckRunEvent,
  parseIssueCommentEvent,
  parsePullRequestEvent,
  parsePushEvent,
  PayloadError,
} from '@berth/core';
import { type IncomingDelivery, WebhookInbox } from '@berth/db';
import type { GitHubAppCredentials, Stores } from '@berth/runtime';
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
import { API_CONFIG, GITHUB_APP, STORES } from '../tokens.js';
import { verifyWebhookSignature } from './signature.js';

/** The raw parser (see http-app.ts) leaves the exact bytes on `body`; absent for an empty body. */
interface RawRequest {
  body?: unknown;
}

const DELIVERY_ID = /^[\w.:-]{1,200}$/;
/** Any event name GitHub sends (`pull_request`, `projects_v2_item`, …). */
const EVENT_NAME = /^[a-z][a-z0-9_]{0,63}$/;

export interface WebhookAnswer {
  /** queued: stored for the worker; ignored: nothing to do; duplicate: this delivery id was stored before. */
  status: 'queued' | 'ignored' | 'duplicate';
  deliveryId: string;
  detail?: string;
}

/**
 * `POST /webhooks/github`: verify, store once, answer — nothing slower, never a lock (GitHub gives
 * up after 10 s and does not retry by itself). The worker processes the stored delivery.
 * Order matters: the signature is checked before anything else is read, so an unsigned or forged
 * request is 401 whatever it contains, and nothing about it is stored.
 */
@Controller('webhooks')
export class WebhooksController {
  private readonly logger = new Logger('webhooks');
  private readonly inbox: WebhookInbox;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(STORES) stores: Stores,
    @Inject(GITHUB_APP) private readonly app: GitHubAppCredentials,
  ) {
    this.inbox = new WebhookInbox(stores.prisma);
  }

  @Post('github')
  @HttpCode(202)
  async receive(
    @Req() req: RawRequest,
    @Headers('x-hub-signature-256') signature: string | undefined,
    @Headers('x-github-event') event: string | undefined,
    @Headers('x-github-delivery') deliveryId: string | undefined,
  ): Promise<WebhookAnswer> {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!signature) {
      throw new UnauthorizedException('X-Hub-Signature-256 is missing: the delivery is unsigned');
    }
    if (!(await this.verify(raw, signature))) {
      throw new UnauthorizedException(
        this.config.GITHUB_WEBHOOK_SECRET === undefined
          ? "X-Hub-Signature-256 does not match the body: check the App's webhook secret (set by /setup/github)"
          : 'X-Hub-Signature-256 does not match the body: check GITHUB_WEBHOOK_SECRET',
      );
    }
    if (!deliveryId || !DELIVERY_ID.test(deliveryId)) {
      throw new BadRequestException(
        'X-GitHub-Delivery is missing or invalid (expected the delivery GUID)',
      );
    }
    if (!event || !EVENT_NAME.test(event)) {
      throw new BadRequestException(
        'X-GitHub-Event is missing or invalid (expected an event name such as pull_request)',
      );
    }
    const body = raw.toString('utf8');
    const base = { deliveryId, event, payload: body, orderingKey: `delivery:${deliveryId}` };
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch (error) {
      await this.inbox.store({ ...base, outcome: 'rejected', detail: 'malformed JSON' });
      throw new BadRequestException(`the body is not valid JSON: ${(error as Error).message}`);
    }
    const delivery = this.classify(base, event, payload);
    const stored = await this.inbox.store(delivery);
    if (delivery.outcome === 'rejected') throw new BadRequestException(delivery.detail);
    const answer: WebhookAnswer = {
      status:
        stored === 'duplicate'
          ? 'duplicate'
          : delivery.outcome === 'received'
            ? 'queued'
            : 'ignored',
      deliveryId,
      ...(delivery.detail ? { detail: delivery.detail } : {}),
    };
    this.logger.debug({ msg: 'webhook stored', deliveryId, event, status: answer.status });
    return answer;
  }

  /**
   * Checks the signature against the App's webhook secret. The stored secret is cached; a
   * mismatch reads it once more, so an App created (or re-created) by /setup/github is verified
   * from its first delivery without a restart. Without any secret nothing verifies.
   */
  private async verify(raw: Buffer, signature: string): Promise<boolean> {
    const secret = await this.app.webhookSecret();
    if (secret !== undefined && verifyWebhookSignature(secret, raw, signature)) return true;
    if (this.config.GITHUB_WEBHOOK_SECRET !== undefined) return false;
    const fresh = await this.app.webhookSecret({ fresh: true });
    return fresh !== undefined && fresh !== secret && verifyWebhookSignature(fresh, raw, signature);
  }

  /**
   * What to store: pull_request deliveries and Re-runs of Berth's check run wait for the worker,
   * anything else is final now.
   */
  private classify(
    base: Omit<IncomingDelivery, 'outcome'>,
    event: string,
    payload: unknown,
  ): IncomingDelivery {
    if (event === 'check_run') return this.classifyCheckRun(base, payload);
    if (event === 'push') return this.classifyPush(base, payload);
    if (event === 'issue_comment') return this.classifyIssueComment(base, payload);
    if (event !== 'pull_request') {
      return {
        ...base,
        outcome: 'ignored',
        detail: event === 'ping' ? 'ping' : `event ${event} is not handled`,
      };
    }
    const action = (payload as { action?: unknown } | null)?.action;
    if (typeof action !== 'string') {
      return {
        ...base,
        outcome: 'rejected',
        detail: 'invalid pull_request payload: action: is required',
      };
    }
    if (!isHandledAction(action)) {
      return { ...base, action, outcome: 'ignored', detail: `action ${action} is not handled` };
    }
    try {
      // Validated here so a bad payload is a 400 GitHub shows the sender, and never queued.
      const pr = parsePullRequestEvent(payload);
      return {
        ...base,
        action,
        orderingKey: `pr:${pr.repository.providerId}:${pr.prNumber}`,
        outcome: 'received',
      };
    } catch (error) {
      if (!(error instanceof PayloadError)) throw error;
      return { ...base, action, outcome: 'rejected', detail: error.message };
    }
  }

  /**
   * `push` to the default branch: the base environment's new head (issue 10), queued in its own
   * order like a pull request's deliveries (key `pr:<repository>:0`). Other branches are ignored.
   */
  private classifyPush(
    base: Omit<IncomingDelivery, 'outcome'>,
    payload: unknown,
  ): IncomingDelivery {
    try {
      const push = parsePushEvent(payload, Date.now());
      if (push.kind === 'ignored') return { ...base, outcome: 'ignored', detail: push.reason };
      return {
        ...base,
        orderingKey: `pr:${push.event.repository.providerId}:${push.event.prNumber}`,
        outcome: 'received',
      };
    } catch (error) {
      if (!(error instanceof PayloadError)) throw error;
      return { ...base, outcome: 'rejected', detail: error.message };
    }
  }

  /**
   * `check_run` `rerequested` on Berth's check run ("Re-run"): queued in its pull request's order
   * (the same key as the PR's own deliveries), so it runs after the push it follows. Other
   * actions, and other apps' check runs, are stored as ignored.
   */
  private classifyCheckRun(
    base: Omit<IncomingDelivery, 'outcome'>,
    payload: unknown,
  ): IncomingDelivery {
    const action = (payload as { action?: unknown } | null)?.action;
    if (typeof action !== 'string') {
      return {
        ...base,
        outcome: 'rejected',
        detail: 'invalid check_run payload: action: is required',
      };
    }
    if (action !== 'rerequested') {
      return {
        ...base,
        action,
        outcome: 'ignored',
        detail: `check_run action ${action} is not handled`,
      };
    }
    try {
      const run = parseCheckRunEvent(payload);
      const notOurs = notOurRerun(run);
      if (notOurs) return { ...base, action, outcome: 'ignored', detail: notOurs };
      return {
        ...base,
        action,
        orderingKey: `pr:${run.repository.providerId}:${run.prNumber}`,
        outcome: 'received',
      };
    } catch (error) {
      if (!(error instanceof PayloadError)) throw error;
      return { ...base, action, outcome: 'rejected', detail: error.message };
    }
  }

  /**
   * `issue_comment` `created` on a pull request whose first line is `/berth …` (PR chat-ops,
   * decision 0026): queued in the pull request's order. Edits, deletions, plain issues, other
   * comments and bots' comments (Berth's own included) are stored as ignored.
   */
  private classifyIssueComment(
    base: Omit<IncomingDelivery, 'outcome'>,
    payload: unknown,
  ): IncomingDelivery {
    const action = (payload as { action?: unknown } | null)?.action;
    if (typeof action === 'string' && action !== 'created') {
      return {
        ...base,
        action,
        outcome: 'ignored',
        detail: `issue_comment ${action} is not handled`,
      };
    }
    try {
      const comment = parseIssueCommentEvent(payload);
      const notOurs = notOurChatCommand(comment);
      if (notOurs) return { ...base, action: comment.action, outcome: 'ignored', detail: notOurs };
      return {
        ...base,
        action: comment.action,
        orderingKey: `pr:${comment.repository.providerId}:${comment.prNumber}`,
        outcome: 'received',
      };
    } catch (error) {
      if (!(error instanceof PayloadError)) throw error;
      return { ...base, outcome: 'rejected', detail: error.message };
    }
  }
}
