import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Post,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  ConsoleSessions,
  CSRF_HEADER,
  sessionCookie,
  sessionIdOf,
} from '../v1/auth/console-session.js';
import type { Principal, V1Request } from '../v1/auth/principal.js';
import { ProblemDetailsFilter } from '../v1/problem/problem-details.filter.js';
import { invalid, ProblemException } from '../v1/problem/problem.js';
import { isHttps } from './https.js';

interface CookieResponse {
  setHeader(name: string, value: string): void;
}

interface SessionRequest extends V1Request {
  secure?: boolean;
}

/** What the console shows of who is signed in: never the token. */
export interface SessionView {
  /** The token's name, or the person's GitHub login or email. */
  name: string;
  scope: Principal['scope'];
  repository: string | null;
  /** How they signed in: an API token, or as a person through GitHub or OIDC. */
  via: 'token' | 'github' | 'oidc';
}

/**
 * `/api/console/session` (decision 0033): the admin console's sign-in. POST exchanges an API
 * token for an HttpOnly, SameSite=Strict session cookie; GET says who the cookie is; DELETE
 * signs out. Not part of the documented REST API: only the console's own page calls it.
 */
@ApiExcludeController()
@UseFilters(ProblemDetailsFilter)
@Controller('api/console/session')
export class ConsoleSessionController {
  constructor(@Inject(ConsoleSessions) private readonly sessions: ConsoleSessions) {}

  @Post()
  @HttpCode(200)
  async signIn(
    @Req() request: SessionRequest,
    @Res({ passthrough: true }) response: CookieResponse,
    @Body() body: unknown,
  ): Promise<SessionView> {
    const token = (body as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || token.trim() === '') {
      throw invalid('body.token', 'paste an API token (create one with `berth token create`)');
    }
    const { id, principal } = await this.sessions.open(token.trim());
    response.setHeader('Set-Cookie', sessionCookie(id, isHttps(request)));
    response.setHeader('Cache-Control', 'no-store');
    return viewOf(principal);
  }

  @Get()
  async whoAmI(
    @Req() request: SessionRequest,
    @Res({ passthrough: true }) response: CookieResponse,
  ): Promise<SessionView> {
    response.setHeader('Cache-Control', 'no-store');
    const id = sessionIdOf(request);
    if (!id) {
      throw new ProblemException('unauthenticated', 401, 'not signed in to the console');
    }
    return viewOf(await this.sessions.principal(id));
  }

  @Delete()
  @HttpCode(204)
  async signOut(
    @Req() request: SessionRequest,
    @Res({ passthrough: true }) response: CookieResponse,
  ): Promise<void> {
    if (request.headers[CSRF_HEADER] !== '1') {
      throw new ProblemException('forbidden', 403, `sign-out must send \`${CSRF_HEADER}: 1\``);
    }
    const id = sessionIdOf(request);
    if (id) await this.sessions.close(id);
    response.setHeader('Set-Cookie', sessionCookie(null, isHttps(request)));
  }
}

function viewOf(principal: Principal): SessionView {
  return {
    name: principal.name,
    scope: principal.scope,
    repository: principal.restriction,
    via: principal.via ?? 'token',
  };
}
