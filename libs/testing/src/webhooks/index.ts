export {
  type CheckRunAction,
  type CheckRunEventInput,
  checkRunPayload,
  pingPayload,
  pullRequestPayload,
  type PullRequestAction,
  type PullRequestEventInput,
  type PingPayloadInput,
} from './payloads.js';
export { sendWebhook, type SendWebhookOptions, type WebhookResponse } from './send.js';
export { signWebhookBody } from './signature.js';
