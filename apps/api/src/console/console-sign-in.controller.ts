import type { ApiConfig } from '@berth/config';
import { type ConsolePerson, describeMatch, type SsoProvider } from '@berth/core';
import { Controller, Get, Inject, Logger, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { API_CONFIG } from '../tokens.js';
import { ConsoleSessions, cookieValue, sessionCookie } from '../v1/auth/console-session.js';
import type { V1Request } from '../v1/auth/principal.js';
import {
  type ConsoleProviders,
  ConsoleSignIn,
  FLOW_TTL_S,
  SignInRefused,
} from './console-sign-in.js';
import { isHttps } from './https.js';
import { noRolePage, SIGN_IN_PAGE_CSP, signInProblemPage } from './sign-in-pages.js';

/** The browser's handle on a sign-in in progress; only on the sign-in paths. */
export const FLOW_COOKIE = 'berth_console_flow';
const FLOW_PATH = '/api/console/session';

/** The part of Express' response these routes use. */
interface PageResponse {
  status(code: number): PageResponse;
  setHeader(name: string, value: string | string[]): void;
  send(body: string): void;
  redirect(status: number, url: string): void;
}

interface SignInRequest extends V1Request {
  secure?: boolean;
}

/**
 * The console's sign-in with GitHub or OIDC (decision 0035): `GET …/{github|oidc}` starts the
 * provider's login, `GET …/{github|oidc}/callback` finishes it and, when an operator's role
 * rule matches the person, sets the same session cookie a token sign-in sets and sends them to
 * the console. `GET …/providers` tells the sign-in page which buttons to show.
 */
@ApiExcludeController()
@Controller('api/console/session')
export class ConsoleSignInController {
  private readonly logger = new Logger('console-sign-in');

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(ConsoleSignIn) private readonly signIn: ConsoleSignIn,
    @Inject(ConsoleSessions) private readonly sessions: ConsoleSessions,
  ) {}

  @Get('providers')
  providers(@Res({ passthrough: true }) res: PageResponse): ConsoleProviders {
    res.setHeader('Cache-Control', 'no-store');
    return this.signIn.providers();
  }

  @Get(':provider')
  async start(
    @Param('provider') provider: string,
    @Req() req: SignInRequest,
    @Res() res: PageResponse,
  ): Promise<void> {
    try {
      const { url, flowId } = await this.signIn.start(providerOf(provider), this.origin(req));
      res.setHeader('Set-Cookie', flowCookie(flowId, isHttps(req)));
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Referrer-Policy', 'no-referrer');
      res.redirect(302, url);
    } catch (error) {
      this.fail(res, error);
    }
  }

  @Get(':provider/callback')
  async callback(
    @Param('provider') provider: string,
    @Req() req: SignInRequest,
    @Res() res: PageResponse,
  ): Promise<void> {
    const secure = isHttps(req);
    // The flow is spent whatever happens next: its cookie goes with every answer.
    res.setHeader('Set-Cookie', flowCookie(null, secure));
    try {
      const which = providerOf(provider);
      const callbackUrl = new URL(`${this.origin(req)}${req.originalUrl ?? req.url}`);
      const person = await this.signIn.finish(which, cookieValue(req, FLOW_COOKIE), callbackUrl);
      const opened = await this.sessions.openPerson(person);
      if (!opened) {
        this.logger.log(
          { provider: which, login: person.login },
          'console sign-in refused: no role rule matches',
        );
        return this.page(
          res,
          403,
          noRolePage({
            login: person.login,
            provider:
              which === 'github' ? 'GitHub' : (this.signIn.providers().oidc?.name ?? 'OIDC'),
            facts: ruleCandidates(person.facts),
          }),
        );
      }
      this.logger.log(
        {
          provider: which,
          login: person.login,
          scope: opened.principal.scope,
          repository: opened.principal.restriction,
        },
        'console sign-in',
      );
      res.setHeader('Set-Cookie', [flowCookie(null, secure), sessionCookie(opened.id, secure)]);
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Referrer-Policy', 'no-referrer');
      res.redirect(302, '/console/');
    } catch (error) {
      this.fail(res, error);
    }
  }

  private fail(res: PageResponse, error: unknown): void {
    if (error instanceof SignInRefused) {
      return this.page(res, error.status, signInProblemPage(error.title, error.message));
    }
    this.logger.error({ err: error }, 'console sign-in failed');
    this.page(
      res,
      503,
      signInProblemPage(
        'Sign-in unavailable',
        'Berth could not complete the sign-in just now; try again in a moment.',
      ),
    );
  }

  private page(res: PageResponse, status: number, html: string): void {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Security-Policy', SIGN_IN_PAGE_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.status(status).send(html);
  }

  /** Where the provider sends the browser back: API_PUBLIC_URL, else this request's origin. */
  private origin(req: SignInRequest): string {
    if (this.config.API_PUBLIC_URL) return this.config.API_PUBLIC_URL.replace(/\/+$/, '');
    const host = req.headers['host'];
    return `${isHttps(req) ? 'https' : 'http'}://${Array.isArray(host) ? host[0] : (host ?? `${this.config.API_HOST}:${this.config.API_PORT}`)}`;
  }
}

function providerOf(value: string): SsoProvider {
  if (value === 'github' || value === 'oidc') return value;
  throw new SignInRefused(404, 'Not found', `There is no ${value} sign-in; use github or oidc.`);
}

/** What a rule could name to let this person in, for the refusal page. */
function ruleCandidates(person: ConsolePerson): string[] {
  if (person.provider === 'github') {
    return [
      describeMatch({ kind: 'github-user', login: person.login }),
      'a GitHub org or team they belong to (the GitHub App must be installed on the org)',
    ];
  }
  const email = person.emailVerified === true ? person.email?.toLowerCase() : undefined;
  return [
    ...(email ? [describeMatch({ kind: 'oidc-email', email })] : []),
    ...(email?.includes('@')
      ? [describeMatch({ kind: 'oidc-domain', domain: email.slice(email.lastIndexOf('@') + 1) })]
      : []),
    ...(person.groups ?? []).map((group) => describeMatch({ kind: 'oidc-group', group })),
    ...(email !== undefined || (person.groups?.length ?? 0) > 0
      ? []
      : ['(the provider sent no verified email and no groups: a rule cannot name you yet)']),
  ];
}

/** `Set-Cookie` for the flow handle (or its removal, with `id` null). */
function flowCookie(id: string | null, secure: boolean): string {
  return [
    `${FLOW_COOKIE}=${id ?? ''}`,
    `Path=${FLOW_PATH}`,
    'HttpOnly',
    // Lax, not Strict: the provider's redirect back is a cross-site navigation.
    'SameSite=Lax',
    `Max-Age=${id === null ? 0 : FLOW_TTL_S}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}
