import type { RestApiComponents, RestApiPaths } from '@berth/core';
import createClient from 'openapi-fetch';

// The console's only way to the control plane: the typed REST v1 client (openapi-fetch over
// the generated types), signed in by the session cookie. Writes carry the CSRF header the
// api requires of cookie-authenticated requests (decision 0033).

export const CSRF_HEADER = 'x-berth-console';

export type EnvironmentSummary = RestApiComponents['schemas']['EnvironmentSummary'];
export type EnvironmentDetail = RestApiComponents['schemas']['EnvironmentDetail'];
export type ActionResult = RestApiComponents['schemas']['ActionResult'];
export type Problem = RestApiComponents['schemas']['Problem'];
export type MintedShareLink = RestApiComponents['schemas']['MintedShareLink'];
export type RepositorySettings = RestApiComponents['schemas']['RepositorySettings'];
export type SecretEntry = RestApiComponents['schemas']['SecretEntry'];
export type CostReport = RestApiComponents['schemas']['CostReport'];
export type EnvironmentCost = RestApiComponents['schemas']['EnvironmentCost'];
export type Delivery = RestApiComponents['schemas']['Delivery'];
export type AuditEntry = RestApiComponents['schemas']['AuditEntry'];
export type SystemView = RestApiComponents['schemas']['System'];
export type FailedJob = RestApiComponents['schemas']['FailedJob'];
/** One line of a service's log as the SSE route sends it (the api's LogLine, redacted there). */
export interface LogLine {
  service: string;
  stream: 'stdout' | 'stderr';
  time: string;
  line: string;
}

export const api = createClient<RestApiPaths>({
  baseUrl: window.location.origin,
  credentials: 'same-origin',
  // Revalidate every read: the api answers 304 to If-None-Match when nothing changed.
  cache: 'no-cache',
  headers: { [CSRF_HEADER]: '1' },
});

/** An error the pages can show: the problem's detail, and its status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fix?: string,
  ) {
    super(message);
  }
}

/** The body of an openapi-fetch answer, or an ApiError with the problem's words. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || result.data === undefined) {
    const problem = result.error as Partial<Problem> | undefined;
    throw new ApiError(
      result.response.status,
      problem?.detail ?? `${result.response.status} ${result.response.statusText}`,
      problem?.fix,
    );
  }
  return result.data;
}

/** Who the session cookie is: not part of REST v1, the console's own sign-in route. */
export interface SessionView {
  /** The token's name, or the person's GitHub login or email. */
  name: string;
  scope: 'read' | 'write' | 'admin';
  repository: string | null;
  via?: 'token' | 'github' | 'oidc';
}

const SESSION_URL = '/api/console/session';

/** Which sign-ins the api offers besides a token (decision 0035). */
export interface SignInProviders {
  github: boolean;
  oidc: { name: string } | null;
}

/** Where a provider sign-in starts: a full-page navigation, the api sends the browser on. */
export const providerSignInUrl = (provider: 'github' | 'oidc') => `${SESSION_URL}/${provider}`;

export async function signInProviders(): Promise<SignInProviders> {
  const res = await fetch(`${SESSION_URL}/providers`, { credentials: 'same-origin' });
  if (!res.ok) throw new ApiError(res.status, `could not read the sign-in options (${res.status})`);
  return (await res.json()) as SignInProviders;
}

export async function currentSession(): Promise<SessionView | null> {
  const res = await fetch(SESSION_URL, { credentials: 'same-origin', cache: 'no-store' });
  if (res.status === 401) return null;
  if (!res.ok) throw new ApiError(res.status, `could not read the session (${res.status})`);
  return (await res.json()) as SessionView;
}

export async function signIn(token: string): Promise<SessionView> {
  const res = await fetch(SESSION_URL, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', [CSRF_HEADER]: '1' },
    body: JSON.stringify({ token }),
  });
  if (!res.ok) {
    const problem = (await res.json().catch(() => ({}))) as Partial<Problem>;
    throw new ApiError(res.status, problem.detail ?? `sign-in failed (${res.status})`, problem.fix);
  }
  return (await res.json()) as SessionView;
}

export async function signOut(): Promise<void> {
  await fetch(SESSION_URL, {
    method: 'DELETE',
    credentials: 'same-origin',
    headers: { [CSRF_HEADER]: '1' },
  });
}
