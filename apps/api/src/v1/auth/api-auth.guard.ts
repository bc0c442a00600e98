import { type ApiScope, scopeCovers } from '@berth/core';
import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditRecorder } from '../audit/audit-recorder.js';
import { ProblemException } from '../problem/problem.js';
import { ApiAccess } from './api-access.js';
import { ConsoleSessions, requestPrincipal } from './console-session.js';
import type { V1Request } from './principal.js';
import { AUDITED, REQUIRED_SCOPE } from './route-metadata.js';

interface ResponseLike {
  setHeader(name: string, value: string): void;
}

/**
 * Every /api/v1 route (decision 0029): the bearer token → a principal, its scope against the
 * route's (RequireScope), then its rate limit. Refusals of an audited route by a known token
 * go to the audit log too. The repository restriction is applied by each route on what it
 * reads (lists filtered, another repository's resource is a 404).
 */
@Injectable()
export class ApiAuthGuard implements CanActivate {
  private readonly logger = new Logger('api-v1');

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ApiAccess) private readonly access: ApiAccess,
    @Inject(AuditRecorder) private readonly audit: AuditRecorder,
    @Inject(ConsoleSessions) private readonly sessions: ConsoleSessions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const needs = this.reflector.get<ApiScope | undefined>(REQUIRED_SCOPE, context.getHandler());
    if (!needs) throw new Error('a /api/v1 route without RequireScope');
    const audited = this.reflector.get<boolean>(AUDITED, context.getHandler()) ?? false;
    const request = context.switchToHttp().getRequest<V1Request>();
    const response = context.switchToHttp().getResponse<ResponseLike>();
    // A bearer token, or the admin console's session cookie (decision 0033).
    const principal = await requestPrincipal(this.access, this.sessions, request);
    request.principal = principal;
    const refuse = async (error: ProblemException): Promise<never> => {
      if (audited) await this.audit.record(request, principal, error.getStatus(), error.message);
      throw error;
    };
    if (!scopeCovers(principal.scope, needs)) {
      await refuse(
        new ProblemException(
          'forbidden',
          403,
          `this route needs the \`${needs}\` scope; ${principal.name} has \`${principal.scope}\``,
          { fix: `create a token with --scope ${needs} (\`berth token create\`)` },
        ),
      );
    }
    let verdict;
    try {
      verdict = await this.access.limiter.consume(principal.id);
    } catch (error) {
      this.logger.warn({ err: error }, 'rate limiter unavailable; the request goes through');
      return true;
    }
    response.setHeader('RateLimit-Limit', String(this.access.limiter.perMinute));
    if (!verdict.ok) {
      response.setHeader('RateLimit-Remaining', '0');
      await refuse(
        new ProblemException(
          'rate-limited',
          429,
          `${principal.name} made more than ${this.access.limiter.perMinute} requests in a minute`,
          {
            fix: `retry after ${verdict.retryAfterS} s`,
            headers: { 'Retry-After': String(verdict.retryAfterS) },
          },
        ),
      );
    } else {
      response.setHeader('RateLimit-Remaining', String(verdict.remaining));
    }
    return true;
  }
}
