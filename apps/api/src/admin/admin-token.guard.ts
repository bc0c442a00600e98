import type { ApiConfig } from '@berth/config';
import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { bearerTokenMatches } from '../environments/bearer-token.js';
import { API_CONFIG } from '../tokens.js';

/**
 * Guards /admin/v1 (operator policy, the `berth` CLI): BERTH_ADMIN_TOKEN as a bearer token,
 * compared in constant time. Without the variable the admin surface is closed to everyone.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(API_CONFIG) private readonly config: ApiConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | undefined> }>();
    isAdmin(this.config, request.headers['authorization'], { throwIfNot: true });
    return true;
  }
}

/** Whether the Authorization header carries the admin token; optionally throws the 401. */
export function isAdmin(
  config: Pick<ApiConfig, 'BERTH_ADMIN_TOKEN'>,
  authorization: string | undefined,
  options: { throwIfNot?: boolean } = {},
): boolean {
  const token = config.BERTH_ADMIN_TOKEN;
  const ok = token !== undefined && bearerTokenMatches(authorization, token);
  if (!ok && options.throwIfNot) {
    throw new UnauthorizedException(
      token === undefined
        ? 'the admin API is off: set BERTH_ADMIN_TOKEN on the api (`openssl rand -hex 32`)'
        : 'missing or wrong admin token: send `Authorization: Bearer <BERTH_ADMIN_TOKEN>`',
    );
  }
  return ok;
}
