// Delivers a webhook the way GitHub's Hookshot does: POST, JSON body, event/delivery/signature
// headers. Every part can be overridden so tests can forge signatures or send broken JSON.
import { randomUUID } from 'node:crypto';
import { signWebhookBody } from './signature.js';

export interface SendWebhookOptions {
  url: string;
  /** Signs the body with this secret unless `signature` is given; omit both to send unsigned. */
  secret?: string;
  event: string;
  payload?: unknown;
  /** Defaults to a random UUID v4, like GitHub. */
  deliveryId?: string;
  /** Sent verbatim as X-Hub-Signature-256 (forgery tests); `null` omits the header. */
  signature?: string | null;
  /** Sent instead of JSON.stringify(payload), e.g. malformed JSON; signed as-is. */
  rawBody?: string | Buffer;
  /** Extra or replacement headers. */
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export interface WebhookResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the response is JSON, else the text. */
  body: unknown;
  deliveryId: string;
  /** The exact bytes sent. */
  rawBody: string;
}

export async function sendWebhook(options: SendWebhookOptions): Promise<WebhookResponse> {
  const deliveryId = options.deliveryId ?? randomUUID();
  const rawBody =
    options.rawBody !== undefined ? options.rawBody : JSON.stringify(options.payload ?? {});
  const signature =
    options.signature !== undefined
      ? options.signature
      : options.secret !== undefined
        ? signWebhookBody(options.secret, rawBody)
        : null;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/8e3b1f2',
    'x-github-event': options.event,
    'x-github-delivery': deliveryId,
    'x-github-hook-id': '4242424',
    'x-github-hook-installation-target-type': 'integration',
    'x-github-hook-installation-target-id': '4242',
    ...(signature !== null ? { 'x-hub-signature-256': signature } : {}),
    ...options.headers,
  };
  const response = await fetch(options.url, {
    method: 'POST',
    headers,
    body: typeof rawBody === 'string' ? rawBody : new Uint8Array(rawBody),
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  const text = await response.text();
  let body: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      body = text;
    }
  }
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers.entries()),
    body,
    deliveryId,
    rawBody: typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'),
  };
}
