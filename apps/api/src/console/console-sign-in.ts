import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { type ApiConfig, oidcSettingsOf } from '@berth/config';
import {
  githubMembershipTargets,
  newPkcePair,
  providersWithRules,
  randomToken,
  type SsoProvider,
} from '@berth/core';
import {
  type GitHubSignInPort,
  OctokitGitHubSignIn,
  type OidcSignInPort,
  OpenIdClientSignIn,
} from '@berth/identity';
import type { GitHubAppCredentials, Stores } from '@berth/runtime';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { API_CONFIG, GITHUB_APP, STORES } from '../tokens.js';
import type { SignedInPerson } from '../v1/auth/console-session.js';
import { githubMemberships } from './github-memberships.js';

/** A provider round trip (the person's login at the provider included) must finish within this. */
export const FLOW_TTL_S = 10 * 60;

/** What Redis keeps between the start of a sign-in and the provider's callback. */
interface FlowRecord {
  provider: SsoProvider;
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUrl: string;
}

/** Which sign-ins the console offers: configured, and with a role rule that could admit someone. */
export interface ConsoleProviders {
  github: boolean;
  oidc: { name: string } | null;
}

export class SignInRefused extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
  ) {
    super(detail);
  }
}

/**
 * The console's sign-in with GitHub or OIDC (decision 0035), built from the gateway's SSO
 * parts (decision 0014): the GitHub App's OAuth web flow and org/team membership through
 * `OctokitGitHubSignIn`, any OIDC provider through `OpenIdClientSignIn`, with state, PKCE (S256)
 * and, for OIDC, a nonce. The flow lives in Redis under the hash of a random id sent as an
 * HttpOnly cookie, and is used once: a replayed or tampered callback finds nothing.
 */
@Injectable()
export class ConsoleSignIn {
  private readonly logger = new Logger('console-sign-in');
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly github: GitHubSignInPort | undefined;
  private readonly oidc: { signIn: OidcSignInPort; name: string } | undefined;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(STORES) stores: Stores,
    @Inject(GITHUB_APP) private readonly app: GitHubAppCredentials,
  ) {
    this.redis = stores.redis;
    this.prefix = `${config.QUEUE_PREFIX}:console-flow:`;
    const rules = providersWithRules(config.CONSOLE_ROLE_RULES);
    const githubConfigured =
      (config.GITHUB_APP_CLIENT_ID !== undefined &&
        config.GITHUB_APP_CLIENT_SECRET !== undefined) ||
      config.BERTH_MASTER_KEY !== undefined;
    this.github =
      rules.github && githubConfigured
        ? new OctokitGitHubSignIn({
            baseUrl: config.GITHUB_API_URL,
            oauthClient: () => this.oauthClient(),
            appKey: () => app.appKey(),
          })
        : undefined;
    const oidc = oidcSettingsOf(config);
    this.oidc =
      rules.oidc && oidc
        ? {
            signIn: new OpenIdClientSignIn({
              issuer: oidc.issuer,
              clientId: oidc.clientId,
              clientSecret: oidc.clientSecret,
            }),
            name: oidc.name,
          }
        : undefined;
  }

  providers(): ConsoleProviders {
    return {
      github: this.github !== undefined,
      oidc: this.oidc ? { name: this.oidc.name } : null,
    };
  }

  /** The provider's authorization URL, and the flow id for the browser's cookie. */
  async start(provider: SsoProvider, origin: string): Promise<{ url: string; flowId: string }> {
    const redirectUrl = `${origin}/api/console/session/${provider}/callback`;
    const pkce = newPkcePair();
    const state = randomToken();
    const nonce = randomToken();
    let url: string;
    if (provider === 'github') {
      if (!this.github) throw notOffered('GitHub');
      url = await this.github.authorizationUrl({
        redirectUrl,
        state,
        codeChallenge: pkce.challenge,
      });
    } else {
      if (!this.oidc) throw notOffered('OIDC');
      url = await this.oidc.signIn.authorizationUrl({
        redirectUrl,
        state,
        nonce,
        codeChallenge: pkce.challenge,
      });
    }
    const flowId = randomBytes(32).toString('base64url');
    const record: FlowRecord = { provider, state, nonce, codeVerifier: pkce.verifier, redirectUrl };
    await this.redis.set(this.flowKey(flowId), JSON.stringify(record), 'EX', FLOW_TTL_S);
    return { url, flowId };
  }

  /**
   * The provider's callback: the flow must exist (and is spent), be for this provider, and its
   * state must be the one echoed back; then the provider says who this is (GitHub: the user and
   * the memberships the rules ask about; OIDC: the verified ID token's claims and userinfo).
   */
  async finish(
    provider: SsoProvider,
    flowId: string | undefined,
    callbackUrl: URL,
  ): Promise<SignedInPerson> {
    const raw = flowId ? await this.redis.getdel(this.flowKey(flowId)) : null;
    const flow = raw ? (JSON.parse(raw) as FlowRecord) : undefined;
    const state = callbackUrl.searchParams.get('state') ?? '';
    if (!flow || flow.provider !== provider || !sameString(flow.state, state)) {
      this.logger.warn(
        {
          provider,
          reason: !flow
            ? 'no-flow'
            : flow.provider !== provider
              ? 'wrong-provider'
              : 'state-mismatch',
        },
        'console sign-in callback refused',
      );
      throw new SignInRefused(
        400,
        'Sign-in expired',
        'This sign-in was started in another browser, took longer than 10 minutes, or was already used. Start again from the console.',
      );
    }
    const code = callbackUrl.searchParams.get('code');
    if (!code) {
      throw new SignInRefused(
        400,
        'Sign-in cancelled',
        `The provider sent no code back${callbackUrl.searchParams.has('error') ? ` (${callbackUrl.searchParams.get('error') ?? ''})` : ''}. Start again from the console.`,
      );
    }
    try {
      if (provider === 'github') return await this.githubPerson(code, flow);
      return await this.oidcPerson(callbackUrl, flow);
    } catch (error) {
      if (error instanceof SignInRefused) throw error;
      this.logger.warn({ err: error, provider }, 'console sign-in with the provider failed');
      throw new SignInRefused(
        401,
        'Sign-in failed',
        'The sign-in provider did not confirm who you are. Start again from the console.',
      );
    }
  }

  private async githubPerson(code: string, flow: FlowRecord): Promise<SignedInPerson> {
    if (!this.github) throw notOffered('GitHub');
    const user = await this.github.signedInUser({
      code,
      redirectUrl: flow.redirectUrl,
      codeVerifier: flow.codeVerifier,
    });
    const memberships = await githubMemberships({
      login: user.login,
      targets: githubMembershipTargets(this.config.CONSOLE_ROLE_RULES),
      signIn: this.github,
      appKey: () => this.app.appKey(),
      apiUrl: this.config.GITHUB_API_URL,
      logger: { warn: (message) => this.logger.warn(message) },
    });
    return {
      provider: 'github',
      subject: String(user.id),
      login: user.login,
      facts: { provider: 'github', login: user.login, memberships },
    };
  }

  private async oidcPerson(callbackUrl: URL, flow: FlowRecord): Promise<SignedInPerson> {
    if (!this.oidc) throw notOffered('OIDC');
    const user = await this.oidc.signIn.signedInUser({
      callbackUrl,
      state: flow.state,
      nonce: flow.nonce,
      codeVerifier: flow.codeVerifier,
    });
    return {
      provider: 'oidc',
      subject: user.subject,
      login: (user.email ?? user.subject).toLowerCase(),
      facts: {
        provider: 'oidc',
        ...(user.email !== undefined ? { email: user.email } : {}),
        ...(user.emailVerified !== undefined ? { emailVerified: user.emailVerified } : {}),
        ...(user.groups !== undefined ? { groups: user.groups } : {}),
      },
    };
  }

  /** The App's OAuth client: the env first, else the App stored by /setup/github. */
  private async oauthClient() {
    const { GITHUB_APP_CLIENT_ID: clientId, GITHUB_APP_CLIENT_SECRET: clientSecret } = this.config;
    if (clientId !== undefined && clientSecret !== undefined) return { clientId, clientSecret };
    const stored = await this.app.stored();
    return stored ? { clientId: stored.clientId, clientSecret: stored.clientSecret } : undefined;
  }

  /** Keyed by the id's hash: a Redis dump holds no live flow cookie. */
  private flowKey(id: string): string {
    return this.prefix + createHash('sha256').update(id).digest('hex');
  }
}

function notOffered(provider: string): SignInRefused {
  return new SignInRefused(
    404,
    'Not offered',
    `${provider} sign-in is not configured for the console, or no role rule (CONSOLE_ROLE_RULES) names ${provider} people.`,
  );
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
