import type { ApiScope } from '@berth/core';
import {
  applyDecorators,
  SetMetadata,
  UseFilters,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiExtension,
  ApiForbiddenResponse,
  ApiHeader,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { AuditInterceptor } from '../audit/audit.interceptor.js';
import {
  IDEMPOTENCY_HEADER,
  IdempotencyInterceptor,
} from '../idempotency/idempotency.interceptor.js';
import { ProblemSchema } from '../openapi/schemas.js';
import { ProblemDetailsFilter } from '../problem/problem-details.filter.js';
import { ApiAuthGuard } from './api-auth.guard.js';
import { AUDITED, REQUIRED_SCOPE } from './route-metadata.js';

export interface RouteOptions {
  /** Every answer goes to the audit log (actions and token changes). */
  audited?: boolean;
  /** Takes `Idempotency-Key` (actions). */
  idempotent?: boolean;
}

/**
 * A /api/v1 route: the token scope it needs (`read` < `write` < `admin`), checked by the guard
 * with the token's rate limit; errors as problem details; the audit log and idempotency keys
 * when asked; and the security, headers and refusals in the OpenAPI document, all from this
 * one decorator so a route cannot have one without the others.
 */
export function RequireScope(scope: ApiScope, options: RouteOptions = {}) {
  const interceptors = [
    ...(options.audited ? [AuditInterceptor] : []),
    ...(options.idempotent ? [IdempotencyInterceptor] : []),
  ];
  return applyDecorators(
    SetMetadata(REQUIRED_SCOPE, scope),
    SetMetadata(AUDITED, options.audited ?? false),
    UseGuards(ApiAuthGuard),
    UseFilters(ProblemDetailsFilter),
    ...(interceptors.length ? [UseInterceptors(...interceptors)] : []),
    ApiBearerAuth('token'),
    ApiExtension('x-berth-scope', scope),
    ApiBadRequestResponse({
      description: 'An invalid parameter or body: `errors` names the field',
      standardSchema: ProblemSchema,
    }),
    ApiUnauthorizedResponse({
      description: 'No token, or an unknown, expired or revoked one',
      standardSchema: ProblemSchema,
    }),
    ApiForbiddenResponse({
      description: `The token's scope is below \`${scope}\``,
      standardSchema: ProblemSchema,
    }),
    ApiTooManyRequestsResponse({
      description: "The token's rate limit is spent: retry after `Retry-After` seconds",
      standardSchema: ProblemSchema,
      headers: { 'Retry-After': { description: 'seconds', schema: { type: 'integer' } } },
    }),
    ...(options.idempotent
      ? [
          ApiHeader({
            name: IDEMPOTENCY_HEADER,
            required: false,
            description:
              'A repeat with the same key and body acts once and gets the first answer; the same key with another body is 422',
          }),
          ApiConflictResponse({
            description: 'The environment cannot do this now (the reason is in `detail`)',
            standardSchema: ProblemSchema,
          }),
          ApiUnprocessableEntityResponse({
            description: 'The Idempotency-Key was used for a different request',
            standardSchema: ProblemSchema,
          }),
        ]
      : []),
  );
}
