// What a route handler sees and returns. Handlers are plain functions over the state, so the
// HTTP server in emulator.ts owns auth, logging, fault injection and rendering.
import { GitHubHttpError, validationFailed } from '../http-util.js';
import type { Page } from '../pagination.js';
import type { PathPattern } from '../route-match.js';
import type { ShapeContext } from '../shapes.js';
import type { EmulatorState } from '../state.js';
import type { TokenRecord } from '../types.js';

export interface RouteContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  state: EmulatorState;
  shapes: ShapeContext;
  /** The installation token (routes with `auth: 'installation-token'`). */
  token: TokenRecord;
  /** This request's URL without query, for pagination links. */
  pageUrl: string;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: string;
  pattern: PathPattern;
  auth: 'app-jwt' | 'installation-token';
  handle(ctx: RouteContext): RouteResult | Promise<RouteResult>;
}

export function ok(body: unknown, status = 200): RouteResult {
  return { status, body };
}

export function paged(page: Page<unknown>, wrap?: (items: unknown[]) => unknown): RouteResult {
  return {
    status: 200,
    body: wrap ? wrap(page.items) : page.items,
    ...(page.link ? { headers: { link: page.link } } : {}),
  };
}

export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GitHubHttpError(400, 'Problems parsing JSON');
  }
  return body as Record<string, unknown>;
}

export function requiredString(
  body: Record<string, unknown>,
  field: string,
  resource: string,
): string {
  const value = body[field];
  if (value === undefined || value === null)
    throw validationFailed(resource, field, 'missing_field');
  if (typeof value !== 'string') {
    throw new GitHubHttpError(
      422,
      `Invalid request.\n\nFor '${field}', ${JSON.stringify(value)} is not a string.`,
    );
  }
  return value;
}

export function optionalString(
  body: Record<string, unknown>,
  field: string,
): string | null | undefined {
  const value = body[field];
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string') {
    throw new GitHubHttpError(
      422,
      `Invalid request.\n\nFor '${field}', ${JSON.stringify(value)} is not a string.`,
    );
  }
  return value;
}

export function intParam(params: Record<string, string>, name: string): number {
  const n = Number(params[name]);
  if (!Number.isInteger(n) || n < 1) throw new GitHubHttpError(404, 'Not Found');
  return n;
}
