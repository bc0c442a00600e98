// GitHub's webhook signature: HMAC-SHA256 of the exact raw body, hex, prefixed `sha256=`.
import { createHmac } from 'node:crypto';

export function signWebhookBody(secret: string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}
