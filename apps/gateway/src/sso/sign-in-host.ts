import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  githubAllowed,
  hashOneTimeCode,
  newOneTimeCode,
  newPkcePair,
  oidcAllowed,
  oidcConfigured,
  openSignInFlow,
  openSignInSession,
  randomToken,
  sealSignInFlow,
  sealSignInSession,
  type SignInIdentity,
  signSsoSession,
  type SsoProvider,
} from '@berth/core';
import type { NewSsoSession, SsoSessionFilter, SsoSessionRow, SsoTarget } from '@berth/db';
import type { GitHubSignInPort, OidcSignInPort } from '@berth/identity';
import type { Logger } from 'pino';
import { RequestCookies } from '../access/access-cookie.js';
import { SSO_CALLBACK_PATH } from '../access/sso-session.js';
import { chooseProviderPage, refusedPage, signInProblemPage } from '../pages/sign-in-pages.js';
import type { GatewayRoute } from '../routes/gateway-route.js';

/** The label reserved under BASE_DOMAIN for the sign-in host (environment labels start `pr-`). */
export const SIGN_IN_LABEL = 'auth';

export function signInHostname(baseDomain: string): string {
  return `${SIGN_IN_LABEL}.${baseDomain.toLowerCase()}`;
}

/** A sign-in round trip (provider login included) must finish within this. */
const FLOW_TTL_MS = 10 * 60_000;
/** A one-time code is redeemed by the browser's very next request; a minute is plenty. */
const CODE_TTL_MS = 60_000;

export interface SignInProviders {
  github?: GitHubSignInPort;
  oidc?: { signIn: OidcSignInPort; name: string };
}

/** The sessions store as the sign-in host uses it (SsoStore). */
export interface SignInSessions {
  createSession(session: NewSsoSession): Promise<SsoSessionRow>;
  issueCode(code: {
    codeHash: string;
    sessionId: string;
    hostname: string;
    returnPath: string;
    expiresAt: Date;
  }): Promise<void>;
  /** Revokes and tells every gateway (for sign-out). */
  revoke(filter: SsoSessionFilter, now: Date): Promise<number>;
}

export interface SignInHostOptions {
  baseDomain: string;
  scheme: 'http' | 'https';
  secret: string;
  sessionTtlMs: number;
  sessions: SignInSessions;
  targets: (environmentId: string) => Promise<SsoTarget | null>;
  routes: { lookup: (hostname: string) => Promise<GatewayRoute | null> };
  isRevoked: (sessionId: string) => boolean;
  providers: SignInProviders;
  logger?: Pick<Logger, 'warn' | 'error' | 'info'>;
  now?: () => Date;
}

/** Where a browser is going: one environment's preview host and a path on it. */
interface Destination {
  environmentId: string;
  previewHost: string;
  returnPath: string;
}

/**
 * `auth.<BASE_DOMAIN>` (decision 0014): runs the provider login with state, nonce and PKCE,
 * keeps its own host-only session, and hands each preview host a one-time code that the
 * preview host exchanges for its own cookie. Paths:
 *   GET /start?env&host&path            from a preview: sign in if needed, then hand off
 *   GET /login/{github|oidc}?env&host&path   start a provider login
 *   GET /callback/{github|oidc}?code&state   the provider's redirect back
 *   POST /sign-out                      ends the sign-in host's session (same-origin form only)
 */
export function createSignInHost(options: SignInHostOptions) {
  const now = options.now ?? (() => new Date());
  const secure = options.scheme === 'https';
  // __Host- makes the browser refuse any Domain on them (host-only, Path=/, Secure): https only.
  const prefix = secure ? '__Host-' : '';
  const SESSION_COOKIE = `${prefix}berth_sso`;
  const FLOW_COOKIE = `${prefix}berth_sso_flow`;

  const hostCookie = (name: string, value: string, maxAgeMs: number) =>
    [
      `${name}=${value}`,
      `Max-Age=${Math.max(0, Math.floor(maxAgeMs / 1000))}`,
      'Path=/',
      'HttpOnly',
      'SameSite=Lax',
      ...(secure ? ['Secure'] : []),
    ].join('; ');

  return async function serveSignInHost(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://sign-in.invalid');
    const port = portSuffix(req.headers.host);
    const origin = `${options.scheme}://${signInHostname(options.baseDomain)}${port}`;
    const send = (
      status: number,
      body: string,
      headers: Record<string, string | string[]> = {},
    ) => {
      res.writeHead(status, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
        'x-berth-gateway': 'sign-in',
        ...headers,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const redirect = (location: string, setCookie: string[] = []) => {
      res.writeHead(302, {
        location,
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
        'content-length': 0,
        'x-berth-gateway': 'sign-in',
        ...(setCookie.length > 0 ? { 'set-cookie': setCookie } : {}),
      });
      res.end();
    };

    const currentIdentity = () => {
      for (const value of RequestCookies.parse(req.headers.cookie).values(SESSION_COOKIE)) {
        const identity = openSignInSession(options.secret, value, now());
        if (identity && !options.isRevoked(identity.sessionId)) return identity;
      }
      return undefined;
    };

    if (req.method === 'POST' && url.pathname === '/sign-out') {
      // A form on this host only: another site must not sign people out (or in) behind their back.
      if (req.headers.origin !== origin) {
        return send(403, signInProblemPage('Not allowed', 'Sign out from the sign-in page.'));
      }
      const identity = currentIdentity();
      if (identity) await options.sessions.revoke({ id: identity.sessionId }, now());
      return send(
        200,
        signInProblemPage('Signed out', 'Previews you opened stay open until their sessions end.'),
        { 'set-cookie': [hostCookie(SESSION_COOKIE, '', 0)] },
      );
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(405, signInProblemPage('Not allowed', 'The sign-in host answers GET only.'), {
        allow: 'GET, HEAD',
      });
    }

    /** Checks that the preview host exists, belongs to the environment, and uses SSO. */
    const resolve = async (
      destination: Destination,
    ): Promise<{ target: SsoTarget } | { problem: [number, string] }> => {
      const route = await options.routes.lookup(destination.previewHost.toLowerCase());
      if (!route || route.environmentId !== destination.environmentId) {
        return {
          problem: [
            400,
            'That preview does not exist (any more). Open it again from the pull request.',
          ],
        };
      }
      const target = await options.targets(destination.environmentId);
      if (!target || !target.modes.includes('sso')) {
        return { problem: [403, 'Sign-in is not enabled for this repository’s previews.'] };
      }
      return { target };
    };

    const providersFor = (target: SsoTarget): SsoProvider[] => [
      ...(options.providers.github ? (['github'] as const) : []),
      ...(options.providers.oidc && oidcConfigured(target.policy) ? (['oidc'] as const) : []),
    ];
    const label = (provider: SsoProvider) =>
      provider === 'github' ? 'GitHub' : (options.providers.oidc?.name ?? 'single sign-on');
    const loginLink = (provider: SsoProvider, d: Destination) =>
      `/login/${provider}?${new URLSearchParams({ env: d.environmentId, host: d.previewHost, path: d.returnPath }).toString()}`;

    const authorised = async (identity: SignInIdentity, target: SsoTarget): Promise<boolean> => {
      if (identity.provider === 'oidc') {
        return (
          options.providers.oidc !== undefined &&
          oidcAllowed(target.policy, {
            ...(identity.email !== undefined ? { email: identity.email } : {}),
            ...(identity.emailVerified !== undefined
              ? { emailVerified: identity.emailVerified }
              : {}),
            ...(identity.groups !== undefined ? { groups: identity.groups } : {}),
          })
        );
      }
      const github = options.providers.github;
      if (!github) return false;
      const permission = await github.permission({
        installationId: target.installationId,
        owner: target.owner,
        repo: target.name,
        login: identity.login,
      });
      const org = target.policy.githubOrg;
      const member =
        permission === 'none' && org !== undefined
          ? await github.isMember({
              installationId: target.installationId,
              org,
              login: identity.login,
              ...(target.policy.githubTeam ? { team: target.policy.githubTeam } : {}),
            })
          : undefined;
      return githubAllowed({ permission, ...(member === undefined ? {} : { member }) });
    };

    /** Signed in: authorise, then mint the preview's session and its one-time code. */
    const handOff = async (
      identity: SignInIdentity,
      target: SsoTarget,
      d: Destination,
      setCookie: string[],
    ) => {
      if (!(await authorised(identity, target))) {
        options.logger?.info(
          { login: identity.login, provider: identity.provider, repository: target.repository },
          'sign-in refused: no access to the repository',
        );
        const others = providersFor(target)
          .filter((p) => p !== identity.provider)
          .map((p) => ({ label: label(p), href: loginLink(p, d) }));
        return send(403, refusedPage(identity.login, target.repository, others), {
          ...(setCookie.length > 0 ? { 'set-cookie': setCookie } : {}),
        });
      }
      const at = now();
      const expiresAt = new Date(
        Math.min(identity.expiresAt.getTime(), at.getTime() + options.sessionTtlMs),
      );
      const session = await options.sessions.createSession({
        environmentId: target.environmentId,
        provider: identity.provider,
        subject: identity.subject,
        login: identity.login,
        expiresAt,
      });
      const code = newOneTimeCode();
      await options.sessions.issueCode({
        codeHash: hashOneTimeCode(code),
        sessionId: session.id,
        hostname: d.previewHost.toLowerCase(),
        returnPath: d.returnPath,
        expiresAt: new Date(at.getTime() + CODE_TTL_MS),
      });
      const back = `${options.scheme}://${d.previewHost.toLowerCase()}${port}${SSO_CALLBACK_PATH}?code=${code}`;
      return redirect(back, setCookie);
    };

    const startLogin = async (provider: SsoProvider, d: Destination) => {
      const pkce = newPkcePair();
      const state = randomToken();
      const nonce = randomToken();
      const redirectUrl = `${origin}/callback/${provider}`;
      const providerUrl =
        provider === 'github'
          ? await options.providers.github?.authorizationUrl({
              redirectUrl,
              state,
              codeChallenge: pkce.challenge,
            })
          : await options.providers.oidc?.signIn.authorizationUrl({
              redirectUrl,
              state,
              nonce,
              codeChallenge: pkce.challenge,
            });
      if (!providerUrl) {
        return send(
          404,
          signInProblemPage('Unknown provider', `${provider} sign-in is not configured.`),
        );
      }
      const flow = sealSignInFlow(options.secret, {
        provider,
        state,
        ...(provider === 'oidc' ? { nonce } : {}),
        codeVerifier: pkce.verifier,
        ...d,
        expiresAt: new Date(now().getTime() + FLOW_TTL_MS),
      });
      return redirect(providerUrl, [hostCookie(FLOW_COOKIE, flow, FLOW_TTL_MS)]);
    };

    const destinationOf = (query: URLSearchParams): Destination | undefined => {
      const environmentId = query.get('env') ?? '';
      const previewHost = (query.get('host') ?? '').toLowerCase();
      const returnPath = query.get('path') ?? '/';
      if (!environmentId || !previewHost || !returnPath.startsWith('/')) return undefined;
      return { environmentId, previewHost, returnPath };
    };

    try {
      const path = url.pathname;
      const login = /^\/login\/(github|oidc)$/.exec(path)?.[1] as SsoProvider | undefined;
      const callback = /^\/callback\/(github|oidc)$/.exec(path)?.[1] as SsoProvider | undefined;
      if (path === '/start' || login) {
        const d = destinationOf(url.searchParams);
        if (!d) {
          return send(
            400,
            signInProblemPage(
              'Bad sign-in link',
              'Open the preview again; it sends you here with what is needed.',
            ),
          );
        }
        const resolved = await resolve(d);
        if ('problem' in resolved)
          return send(
            resolved.problem[0],
            signInProblemPage('Cannot sign in', resolved.problem[1]),
          );
        const providers = providersFor(resolved.target);
        if (login) {
          if (!providers.includes(login)) {
            return send(
              404,
              signInProblemPage(
                'Cannot sign in',
                `${label(login)} sign-in does not open this repository’s previews.`,
              ),
            );
          }
          return await startLogin(login, d);
        }
        const identity = currentIdentity();
        if (identity) return await handOff(identity, resolved.target, d, []);
        if (providers.length === 0) {
          return send(
            403,
            signInProblemPage(
              'Cannot sign in',
              'No sign-in provider is configured for this repository; ask an operator.',
            ),
          );
        }
        if (providers.length === 1) return await startLogin(providers[0] as SsoProvider, d);
        return send(
          200,
          chooseProviderPage(
            resolved.target.repository,
            providers.map((p) => ({ label: label(p), href: loginLink(p, d) })),
          ),
        );
      }
      if (callback) {
        const flowCookie = RequestCookies.parse(req.headers.cookie).values(FLOW_COOKIE)[0];
        const opened = openSignInFlow(
          options.secret,
          flowCookie,
          { provider: callback, state: url.searchParams.get('state') ?? undefined },
          now(),
        );
        if (!opened.ok) {
          options.logger?.warn(
            { reason: opened.reason, provider: callback },
            'sign-in callback refused',
          );
          return send(
            400,
            signInProblemPage(
              'Sign-in expired',
              'This sign-in was started in another browser or took too long. Open the preview again to sign in.',
            ),
          );
        }
        const { flow } = opened;
        const code = url.searchParams.get('code');
        if (!code) {
          return send(
            400,
            signInProblemPage(
              'Sign-in cancelled',
              'The provider sent no code back. Open the preview again to sign in.',
            ),
          );
        }
        const redirectUrl = `${origin}/callback/${callback}`;
        let who: {
          subject: string;
          login: string;
          email?: string;
          emailVerified?: boolean;
          groups?: string[];
        };
        try {
          if (callback === 'github') {
            const github = options.providers.github;
            if (!github) throw new Error('GitHub sign-in is not configured');
            const user = await github.signedInUser({
              code,
              redirectUrl,
              codeVerifier: flow.codeVerifier,
            });
            who = { subject: String(user.id), login: user.login };
          } else {
            const oidc = options.providers.oidc;
            if (!oidc || flow.nonce === undefined)
              throw new Error('OIDC sign-in is not configured');
            const user = await oidc.signIn.signedInUser({
              callbackUrl: new URL(`${origin}${req.url ?? ''}`),
              state: flow.state,
              nonce: flow.nonce,
              codeVerifier: flow.codeVerifier,
            });
            who = { ...user, login: (user.email ?? user.subject).toLowerCase() };
          }
        } catch (error) {
          options.logger?.warn(
            { err: error, provider: callback },
            'sign-in with the provider failed',
          );
          return send(
            502,
            signInProblemPage(
              'Sign-in failed',
              'The sign-in provider did not confirm who you are. Open the preview again to retry.',
            ),
          );
        }
        const expiresAt = new Date(now().getTime() + options.sessionTtlMs);
        const row = await options.sessions.createSession({
          environmentId: null,
          provider: callback,
          subject: who.subject,
          login: who.login,
          expiresAt,
        });
        const identity: SignInIdentity = {
          sessionId: row.id,
          provider: callback,
          ...who,
          expiresAt,
        };
        const cookies = [
          hostCookie(
            SESSION_COOKIE,
            sealSignInSession(options.secret, identity),
            options.sessionTtlMs,
          ),
          hostCookie(FLOW_COOKIE, '', 0),
        ];
        const resolved = await resolve(flow);
        if ('problem' in resolved) {
          return send(
            resolved.problem[0],
            signInProblemPage('Cannot sign in', resolved.problem[1]),
            { 'set-cookie': cookies },
          );
        }
        return await handOff(identity, resolved.target, flow, cookies);
      }
      return send(
        404,
        signInProblemPage('Not found', 'This is Berth’s sign-in host; open a preview to sign in.'),
      );
    } catch (error) {
      options.logger?.error({ err: error }, 'sign-in host failed');
      if (!res.headersSent) {
        send(
          503,
          signInProblemPage(
            'Sign-in unavailable',
            'Berth could not complete the sign-in just now; try again in a moment.',
          ),
        );
      } else res.end();
    }
  };
}

/** `:port` of a Host header, for links back to the same listener; empty when there is none. */
function portSuffix(host: string | undefined): string {
  const port = /:(\d+)$/.exec(host ?? '')?.[1];
  return port === undefined ? '' : `:${port}`;
}

/** The preview session cookie's value for a redeemed session (used by the preview callback). */
export function previewSessionValue(secret: string, session: SsoSessionRow): string {
  return signSsoSession(secret, {
    sessionId: session.id,
    scope: session.environmentId ?? '',
    expiresAt: session.expiresAt,
  });
}
