import type { ApiConfig } from '@berth/config';
import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { API_CONFIG } from '../tokens.js';
import { bearerTokenMatches } from './bearer-token.js';

/** Guards /api/v1: the operator's API_TOKEN as a bearer token. */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  constructor(@Inject(API_CONFIG) private readonly config: ApiConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | undefined> }>();
    if (!bearerTokenMatches(request.headers['authorization'], this.config.API_TOKEN)) {
      throw new UnauthorizedException(
        'missing or wrong bearer token: send `Authorization: Bearer <API_TOKEN>`',
      );
    }
    return true;
  }
}
