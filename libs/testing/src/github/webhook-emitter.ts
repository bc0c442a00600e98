// Sends the webhook GitHub would send after a scenario step, if a target is configured, and
// keeps a log of deliveries for assertions.
import { pullRequestPayload, type PullRequestAction } from '../webhooks/payloads.js';
import { sendWebhook, type WebhookResponse } from '../webhooks/send.js';
import { labelJson, pullRequestJson, repositoryJson, userJson } from './shapes.js';
import type { EmulatorState } from './state.js';
import type { AccountRecord, PullRecord } from './types.js';

export interface WebhookTarget {
  url: string;
  secret: string;
}

export interface DeliveryRecord {
  event: string;
  action: string | undefined;
  deliveryId: string;
  payload: Record<string, unknown>;
  /** Undefined when the request failed before a response (see `error`). */
  response: WebhookResponse | undefined;
  error: string | undefined;
}

export interface PullRequestEventExtras {
  label?: string;
  changes?: Record<string, unknown>;
  before?: string;
  after?: string;
  sender?: AccountRecord;
}

export class WebhookEmitter {
  target: WebhookTarget | undefined;
  readonly deliveries: DeliveryRecord[] = [];

  constructor(private readonly state: EmulatorState) {}

  /** Builds the payload GitHub would send for `action` on `pr` (no network). */
  pullRequestEvent(
    action: PullRequestAction,
    pr: PullRecord,
    extras: PullRequestEventExtras = {},
  ): Record<string, unknown> {
    const shapes = this.state.shapeContext();
    const base = this.state.repo(pr.baseRepo);
    if (base.installationId === undefined) {
      throw new Error(`repository ${base.fullName} has no installation; webhooks need one`);
    }
    return pullRequestPayload({
      action,
      pullRequest: pullRequestJson(shapes, pr),
      repository: repositoryJson(shapes, base),
      installationId: base.installationId,
      sender: userJson(shapes, extras.sender ?? pr.author),
      ...(extras.label
        ? { label: labelJson(shapes, base, this.state.ensureLabel(base, extras.label)) }
        : {}),
      ...(extras.changes ? { changes: extras.changes } : {}),
      ...(extras.before ? { before: extras.before } : {}),
      ...(extras.after ? { after: extras.after } : {}),
    });
  }

  async emit(event: string, payload: Record<string, unknown>): Promise<DeliveryRecord | undefined> {
    if (!this.target) return undefined;
    const action = typeof payload.action === 'string' ? payload.action : undefined;
    let record: DeliveryRecord;
    try {
      const response = await sendWebhook({
        url: this.target.url,
        secret: this.target.secret,
        event,
        payload,
      });
      record = {
        event,
        action,
        deliveryId: response.deliveryId,
        payload,
        response,
        error: undefined,
      };
    } catch (error) {
      record = {
        event,
        action,
        deliveryId: '',
        payload,
        response: undefined,
        error: error instanceof Error ? error.message : String(error),
      };
    }
    this.deliveries.push(record);
    return record;
  }
}
