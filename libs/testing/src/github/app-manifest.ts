// GitHub's App-manifest flow (docs.github.com "Registering a GitHub App from a manifest"):
// 1. the browser POSTs a form field `manifest` (JSON) to /settings/apps/new?state=… (or
//    /organizations/:org/settings/apps/new); GitHub creates the App once the user confirms and
//    redirects to the manifest's redirect_url with ?code=…&state=…;
// 2. the App's backend exchanges the code, once, within an hour, at
//    POST /app-manifests/:code/conversions (no authentication) for the App's id, PEM, webhook
//    secret and OAuth client credentials.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { GitHubHttpError, notFound, validationFailed } from './http-util.js';
import { appJson, type Json } from './shapes.js';
import type { EmulatorState } from './state.js';
import type { AppRecord } from './types.js';
import type { WebhookEmitter } from './webhook-emitter.js';

interface PendingApp {
  app: AppRecord;
  webhookSecret: string;
  webhookUrl: string | undefined;
  clientId: string;
  clientSecret: string;
  expiresAt: number;
}

const CODE_TTL_MS = 3_600_000;

export class AppManifests {
  private readonly pending = new Map<string, PendingApp>();
  private nextId = 900_001;

  constructor(
    private readonly state: EmulatorState,
    private readonly webhooks: WebhookEmitter,
  ) {}

  /** The web form: answers the redirect GitHub would send once the user confirms. */
  createFromForm(form: URLSearchParams, query: URLSearchParams, org: string | undefined) {
    const raw = form.get('manifest');
    if (!raw)
      throw new GitHubHttpError(422, 'Invalid GitHub App configuration: manifest is missing');
    let manifest: Record<string, unknown>;
    try {
      manifest = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      throw new GitHubHttpError(422, 'Invalid GitHub App configuration: manifest is not JSON');
    }
    const url = manifest['url'];
    if (typeof url !== 'string' || url === '')
      throw validationFailed('Integration', 'url', 'missing_field');
    const redirect = manifest['redirect_url'];
    if (typeof redirect !== 'string' || redirect === '') {
      throw validationFailed('Integration', 'redirect_url', 'missing_field');
    }
    const name = typeof manifest['name'] === 'string' ? manifest['name'] : `app-${this.nextId}`;
    const hook = manifest['hook_attributes'] as { url?: unknown } | undefined;
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    });
    const id = this.nextId++;
    const owner = org ?? this.state.app.owner.login;
    const app: AppRecord = {
      id,
      slug: name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, ''),
      name,
      owner: this.state.account(owner, org ? 'Organization' : 'User'),
      privateKey,
      publicKey,
      permissions: stringRecord(manifest['default_permissions']),
      events: Array.isArray(manifest['default_events'])
        ? manifest['default_events'].filter((e): e is string => typeof e === 'string')
        : [],
      createdAt: this.state.clock.now(),
    };
    const code = randomBytes(20).toString('hex');
    this.pending.set(code, {
      app,
      webhookSecret: randomBytes(20).toString('hex'),
      webhookUrl: typeof hook?.url === 'string' ? hook.url : undefined,
      clientId: `Iv23li${randomBytes(7).toString('hex')}`,
      clientSecret: randomBytes(20).toString('hex'),
      expiresAt: Date.now() + CODE_TTL_MS,
    });
    const location = new URL(redirect);
    location.searchParams.set('code', code);
    const state = query.get('state');
    if (state !== null) location.searchParams.set('state', state);
    return { code, location: location.toString() };
  }

  /**
   * POST /app-manifests/:code/conversions. From here on the emulator is this App: its JWTs are
   * the ones accepted (the installations stay, as if the operator installed the new App on the
   * same accounts), and webhooks are signed with its secret and sent to its hook URL.
   */
  convert(code: string): Json {
    const pending = this.pending.get(code);
    this.pending.delete(code);
    if (!pending || pending.expiresAt < Date.now()) throw notFound();
    this.state.app = pending.app;
    if (pending.webhookUrl) {
      this.webhooks.target = { url: pending.webhookUrl, secret: pending.webhookSecret };
    }
    const shapes = this.state.shapeContext();
    return {
      ...appJson(shapes, pending.app),
      client_id: pending.clientId,
      client_secret: pending.clientSecret,
      webhook_secret: pending.webhookSecret,
      pem: pending.app.privateKey,
      installations_count: 0,
    };
  }
}

function stringRecord(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    ),
  );
}
