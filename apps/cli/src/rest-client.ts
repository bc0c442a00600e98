import type { RestApiComponents, RestApiPaths } from '@berth/core';
import createClient from 'openapi-fetch';
import { ApiError } from './admin-client.js';

// The REST API v1 (/api/v1, decision 0029) for the CLI: openapi-fetch typed by the types the
// api's OpenAPI document generates (libs/core/src/api/rest-api-types.gen.ts), so a route or
// field the api does not have is a compile error here, never a hand-copied shape.

export type ApiTokenView = RestApiComponents['schemas']['ApiToken'];
export type CreatedApiToken = RestApiComponents['schemas']['CreatedApiToken'];
type Problem = RestApiComponents['schemas']['Problem'];

export interface NewToken {
  name: string;
  scope: 'read' | 'write' | 'admin';
  repository?: string;
  expiresInDays?: number;
}

export class RestClient {
  private readonly client;

  constructor(
    private readonly apiUrl: string,
    token: string,
  ) {
    this.client = createClient<RestApiPaths>({
      baseUrl: apiUrl.replace(/\/+$/, ''),
      headers: { Authorization: `Bearer ${token}` },
    });
  }

  async createToken(token: NewToken): Promise<CreatedApiToken> {
    return this.answer(await this.call(() => this.client.POST('/api/v1/tokens', { body: token })));
  }

  /** Every token, walking the cursor pages. */
  async tokens(): Promise<ApiTokenView[]> {
    const all: ApiTokenView[] = [];
    let cursor: string | undefined;
    do {
      const page = this.answer(
        await this.call(() =>
          this.client.GET('/api/v1/tokens', {
            params: { query: { limit: 200, ...(cursor ? { cursor } : {}) } },
          }),
        ),
      );
      all.push(...page.tokens);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return all;
  }

  async revokeToken(id: string): Promise<ApiTokenView> {
    return this.answer(
      await this.call(() =>
        this.client.DELETE('/api/v1/tokens/{id}', { params: { path: { id } } }),
      ),
    );
  }

  private async call<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw new ApiError(
        `cannot reach the Berth api at ${this.apiUrl} (${(error as Error).message}): check BERTH_API_URL`,
      );
    }
  }

  private answer<T>(result: { data?: T; error?: unknown; response: Response }): T {
    if (result.data !== undefined && result.response.ok) return result.data;
    throw new ApiError(problemMessage(result.response.status, result.error));
  }
}

/** `detail` and how to fix it, from the api's problem details. */
export function problemMessage(status: number, error: unknown): string {
  const problem = (typeof error === 'object' && error !== null ? error : {}) as Partial<Problem>;
  const detail = problem.detail ?? `the api answered ${status}`;
  return problem.fix ? `${detail} (${problem.fix})` : detail;
}
