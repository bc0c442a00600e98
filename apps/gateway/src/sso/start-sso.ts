import { MasterKeyring } from '@berth/core';
import { type GatewayConfig, oidcSettingsOf } from '@berth/config';
import { listen, PostgresSecretStore, SSO_REVOCATIONS_CHANNEL, SsoStore } from '@berth/db';
import { OctokitGitHubSignIn, OpenIdClientSignIn } from '@berth/identity';
import { GitHubAppCredentials, type Stores } from '@berth/runtime';
import type { Logger } from 'pino';
import type { GatewayRoute } from '../routes/gateway-route.js';
import { createPreviewCallback } from './preview-callback.js';
import { SessionRevocations } from './session-revocations.js';
import { createSignInHost, type SignInProviders } from './sign-in-host.js';
import { createSsoFrontDoor, type SsoFrontDoor } from './sso-front-door.js';
import { SsoTargets } from './sso-targets.js';

/** Revocations are pushed by NOTIFY; this poll only bounds the damage of a lost one. */
const REVOCATION_POLL_MS = 30_000;

export interface RunningSso {
  frontDoor: SsoFrontDoor;
  /** Resolves once the revocation list is loaded (SSO cookies are refused until then). */
  ready: Promise<void>;
  close: () => Promise<void>;
}

/**
 * Wires SSO (decision 0014) for the gateway: the sessions store, the in-memory revocation
 * list kept fresh by Postgres NOTIFY, the GitHub App's sign-in and an OIDC provider when
 * configured, the sign-in host and the preview callback.
 */
export function startSso(
  config: GatewayConfig,
  stores: Stores,
  routes: { lookup: (hostname: string) => Promise<GatewayRoute | null> },
  logger: Logger,
): RunningSso {
  const store = new SsoStore(stores.prisma);
  const revocations = new SessionRevocations({
    load: (since, now) => store.revokedSince(since, now),
    onError: (error) => logger.error({ err: error }, 'cannot read revoked SSO sessions'),
  });
  const listener = listen(
    config.DATABASE_URL,
    [SSO_REVOCATIONS_CHANNEL],
    () => void revocations.refresh(),
    (error) => logger.warn({ err: error }, 'SSO revocation listener lost its connection'),
  );
  const poll = setInterval(() => {
    void revocations.refresh();
    // Codes nobody redeemed are refused anyway; this only keeps the table small.
    store
      .deleteExpiredCodes(new Date())
      .catch((error: unknown) => logger.warn({ err: error }, 'cannot delete expired SSO codes'));
  }, REVOCATION_POLL_MS);
  poll.unref();

  const credentials = new GitHubAppCredentials({
    store: config.BERTH_MASTER_KEY
      ? new PostgresSecretStore(
          stores.prisma,
          new MasterKeyring(config.BERTH_MASTER_KEY, config.BERTH_MASTER_KEY_PREVIOUS),
        )
      : undefined,
    env: config,
  });
  const oauthClient = async () => {
    if (config.GITHUB_APP_CLIENT_ID && config.GITHUB_APP_CLIENT_SECRET) {
      return {
        clientId: config.GITHUB_APP_CLIENT_ID,
        clientSecret: config.GITHUB_APP_CLIENT_SECRET,
      };
    }
    const app = await credentials.stored();
    return app ? { clientId: app.clientId, clientSecret: app.clientSecret } : undefined;
  };
  const githubConfigured =
    (config.GITHUB_APP_CLIENT_ID !== undefined && config.GITHUB_APP_CLIENT_SECRET !== undefined) ||
    config.BERTH_MASTER_KEY !== undefined;
  const oidc = oidcSettingsOf(config);
  const providers: SignInProviders = {
    ...(githubConfigured
      ? {
          github: new OctokitGitHubSignIn({
            baseUrl: config.GITHUB_API_URL,
            oauthClient,
            appKey: () => credentials.appKey(),
          }),
        }
      : {}),
    ...(oidc
      ? {
          oidc: {
            signIn: new OpenIdClientSignIn({
              issuer: oidc.issuer,
              clientId: oidc.clientId,
              clientSecret: oidc.clientSecret,
            }),
            name: oidc.name,
          },
        }
      : {}),
  };

  const targets = new SsoTargets((id) => store.target(id));
  const isRevoked = (id: string) => revocations.isRevoked(id);
  const serveSignInHost = createSignInHost({
    baseDomain: config.BASE_DOMAIN,
    scheme: config.PREVIEW_URL_SCHEME,
    secret: config.PREVIEW_LINK_SECRET,
    sessionTtlMs: config.SSO_SESSION_TTL_HOURS * 3_600_000,
    sessions: store,
    targets: (id) => targets.get(id),
    routes,
    isRevoked,
    providers,
    logger,
  });
  const serveCallback = createPreviewCallback({
    baseDomain: config.BASE_DOMAIN,
    secure: config.PREVIEW_URL_SCHEME === 'https',
    secret: config.PREVIEW_LINK_SECRET,
    redeem: (hash, hostname, now) => store.redeemCode(hash, hostname, now),
  });
  return {
    frontDoor: createSsoFrontDoor({
      baseDomain: config.BASE_DOMAIN,
      scheme: config.PREVIEW_URL_SCHEME,
      isRevoked,
      ssoEnabled: (route) => route.access?.modes.includes('sso') ?? false,
      serveSignInHost,
      serveCallback,
    }),
    ready: revocations.refresh(),
    close: async () => {
      clearInterval(poll);
      await listener.close();
    },
  };
}
