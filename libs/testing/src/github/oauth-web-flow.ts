// GitHub's OAuth web flow for a GitHub App's user sign-in (docs: "Generating a user access token
// for a GitHub App"): the browser leg (/login/oauth/authorize), the code exchange
// (/login/oauth/access_token), and who a user token belongs to. Which person "is signed in to
// github.com" in the browser is up to the test (`signIn`).
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './http-util.js';
import type { EmulatorState } from './state.js';
import type { AccountRecord } from './types.js';

/** GitHub: authorization codes expire after 10 minutes and work once. */
const CODE_TTL_MS = 10 * 60_000;

interface PendingCode {
  login: string;
  redirectUri: string | undefined;
  codeChallenge: string | undefined;
  expiresAt: number;
}

export class OAuthWebFlow {
  /** The App's OAuth client (GitHub shows it on the App's settings page). */
  readonly clientId = `Iv23li${randomBytes(7).toString('hex')}`;
  readonly clientSecret = randomBytes(20).toString('hex');
  /** The login the browser is signed in to github.com as; undefined shows GitHub's login page. */
  signedIn: string | undefined;
  private readonly codes = new Map<string, PendingCode>();
  private readonly userTokens = new Map<string, string>();
  /** org (lowercase) → member logins (lowercase); `org/team` for team members. */
  private readonly members = new Map<string, Set<string>>();

  constructor(private readonly state: EmulatorState) {}

  signIn(login: string | undefined): void {
    if (login !== undefined) this.state.account(login);
    this.signedIn = login;
  }

  addMember(org: string, login: string, team?: string): void {
    this.state.account(org, 'Organization');
    this.state.account(login);
    for (const key of [org, ...(team ? [`${org}/${team}`] : [])]) {
      const set = this.members.get(key.toLowerCase()) ?? new Set<string>();
      set.add(login.toLowerCase());
      this.members.set(key.toLowerCase(), set);
    }
  }

  isMember(org: string, login: string, team?: string): boolean {
    const key = team ? `${org}/${team}` : org;
    return this.members.get(key.toLowerCase())?.has(login.toLowerCase()) ?? false;
  }

  /** The person a user access token belongs to (`Authorization: Bearer|token <t>`). */
  userFor(authorization: string | undefined): AccountRecord | undefined {
    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(authorization?.trim() ?? '')?.[1];
    const login = token === undefined ? undefined : this.userTokens.get(token);
    return login === undefined ? undefined : this.state.findAccount(login);
  }

  /** Handles the two github.com web paths; false when the path is neither. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname === '/login/oauth/authorize' && req.method === 'GET') {
      this.authorize(res, url.searchParams);
      return true;
    }
    if (url.pathname === '/login/oauth/access_token' && req.method === 'POST') {
      const raw = (await readBody(req)).toString('utf8');
      const json = (req.headers['content-type'] ?? '').includes('json');
      const params = json
        ? new URLSearchParams(Object.entries(JSON.parse(raw || '{}') as Record<string, string>))
        : new URLSearchParams(raw);
      const answer = this.exchange(params);
      // GitHub answers errors with 200 too; JSON when asked, else form-encoded.
      if ((req.headers.accept ?? '').includes('json')) {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(answer));
      } else {
        res.writeHead(200, { 'content-type': 'application/x-www-form-urlencoded' });
        res.end(new URLSearchParams(answer).toString());
      }
      return true;
    }
    return false;
  }

  private authorize(res: ServerResponse, query: URLSearchParams): void {
    const redirectUri = query.get('redirect_uri') ?? undefined;
    if (query.get('client_id') !== this.clientId || !redirectUri) {
      // GitHub shows an error page; it never redirects to an unverified redirect_uri.
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>404 — unknown application</h1>');
      return;
    }
    if (this.signedIn === undefined) {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Sign in to GitHub</h1>');
      return;
    }
    const challenge = query.get('code_challenge') ?? undefined;
    if (challenge !== undefined && (query.get('code_challenge_method') ?? 'plain') !== 'S256') {
      res.writeHead(400, { 'content-type': 'text/html' }).end('<h1>unsupported PKCE method</h1>');
      return;
    }
    const code = randomBytes(10).toString('hex');
    this.codes.set(code, {
      login: this.signedIn,
      redirectUri,
      codeChallenge: challenge,
      expiresAt: Date.now() + CODE_TTL_MS,
    });
    const location = new URL(redirectUri);
    location.searchParams.set('code', code);
    const state = query.get('state');
    if (state !== null) location.searchParams.set('state', state);
    res.writeHead(302, { location: location.toString() }).end();
  }

  private exchange(params: URLSearchParams): Record<string, string> {
    const fail = (error: string, description: string) => ({
      error,
      error_description: description,
      error_uri:
        'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors',
    });
    if (
      params.get('client_id') !== this.clientId ||
      params.get('client_secret') !== this.clientSecret
    ) {
      return fail(
        'incorrect_client_credentials',
        'The client_id and/or client_secret passed are incorrect.',
      );
    }
    const code = params.get('code') ?? '';
    const pending = this.codes.get(code);
    this.codes.delete(code);
    if (!pending || pending.expiresAt < Date.now()) {
      return fail('bad_verification_code', 'The code passed is incorrect or expired.');
    }
    const redirectUri = params.get('redirect_uri');
    if (redirectUri !== null && redirectUri !== pending.redirectUri) {
      return fail(
        'redirect_uri_mismatch',
        'The redirect_uri MUST match the registered callback URL for this application.',
      );
    }
    if (pending.codeChallenge !== undefined) {
      const verifier = params.get('code_verifier') ?? '';
      const computed = createHash('sha256').update(verifier).digest('base64url');
      if (computed !== pending.codeChallenge) {
        return fail(
          'bad_verification_code',
          'The code_verifier does not match the code_challenge.',
        );
      }
    }
    const token = `ghu_${randomBytes(18).toString('base64url')}`;
    this.userTokens.set(token, pending.login);
    return { access_token: token, token_type: 'bearer', scope: '' };
  }
}
