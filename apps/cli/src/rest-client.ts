import { randomUUID } from 'node:crypto';
import type { RestApiComponents, RestApiPaths } from '@berth/core';
import createClient from 'openapi-fetch';
import { ApiUnreachableError, RestApiError } from './exit-codes.js';

// The REST API v1 (/api/v1, decision 0029) for the CLI: openapi-fetch typed by the types the
// api's OpenAPI document generates (libs/core/src/api/rest-api-types.gen.ts), so a route or
// field the api does not have is a compile error here, never a hand-copied shape.

type Schemas = RestApiComponents['schemas'];
export type ApiTokenView = Schemas['ApiToken'];
export type CreatedApiToken = Schemas['CreatedApiToken'];
export type EnvironmentSummary = Schemas['EnvironmentSummary'];
export type EnvironmentDetail = Schemas['EnvironmentDetail'];
export type ActionResult = Schemas['ActionResult'];
export type MintedShareLink = Schemas['MintedShareLink'];
export type RepositorySettings = Schemas['RepositorySettings'];
export type SecretEntry = Schemas['SecretEntry'];
export type SecretChange = Schemas['SecretChange'];
export type CostReport = Schemas['CostReport'];
export type EnvironmentCostDays = Schemas['EnvironmentCostDays'];
export type UnopenedCost = Schemas['UnopenedCost'];
export type Usage = Schemas['Usage'];
export type Cost = Schemas['Cost'];
export type Prices = Schemas['Prices'];
export type CostQuery = NonNullable<RestApiPaths['/api/v1/costs']['get']['parameters']['query']>;
export type UnopenedCostQuery = NonNullable<
  RestApiPaths['/api/v1/costs/unopened']['get']['parameters']['query']
>;
type Problem = Schemas['Problem'];
export type EnvironmentState = NonNullable<
  NonNullable<RestApiPaths['/api/v1/environments']['get']['parameters']['query']>['state']
>;
export type EnvironmentAction = ActionResult['action'];
export type LogQuery = RestApiPaths['/api/v1/environments/{id}/logs']['get']['parameters']['query'];

export interface NewToken {
  name: string;
  scope: 'read' | 'write' | 'admin';
  repository?: string;
  expiresInDays?: number;
}

export interface ActionOptions {
  /** Seconds the api waits for a worker to take the job (0 to 60). */
  wait?: number;
  /** extend: how much longer (`24h`). */
  by?: string;
  /** A repeat with the same key acts once (decision 0029); a fresh one per command by default. */
  idempotencyKey?: string;
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
    return this.walk(async (cursor) => {
      const page = this.answer(
        await this.call(() =>
          this.client.GET('/api/v1/tokens', {
            params: { query: { limit: 200, ...(cursor ? { cursor } : {}) } },
          }),
        ),
      );
      return { items: page.tokens, nextCursor: page.nextCursor };
    });
  }

  async revokeToken(id: string): Promise<ApiTokenView> {
    return this.answer(
      await this.call(() =>
        this.client.DELETE('/api/v1/tokens/{id}', { params: { path: { id } } }),
      ),
    );
  }

  /** Every environment matching the filters, newest first, walking the cursor pages. */
  async environments(
    filter: { repository?: string; state?: EnvironmentState; pr?: number } = {},
  ): Promise<EnvironmentSummary[]> {
    return this.walk(async (cursor) => {
      const page = this.answer(
        await this.call(() =>
          this.client.GET('/api/v1/environments', {
            params: { query: { ...filter, limit: 200, ...(cursor ? { cursor } : {}) } },
          }),
        ),
      );
      return { items: page.environments, nextCursor: page.nextCursor };
    });
  }

  /** One environment at most: enough to learn the api answers and takes the token. */
  async firstEnvironments(): Promise<EnvironmentSummary[]> {
    return this.answer(
      await this.call(() =>
        this.client.GET('/api/v1/environments', { params: { query: { limit: 1 } } }),
      ),
    ).environments;
  }

  /** One token at most: answers only an `admin` token (the doctor learns the scope by it). */
  async firstTokens(): Promise<ApiTokenView[]> {
    return this.answer(
      await this.call(() => this.client.GET('/api/v1/tokens', { params: { query: { limit: 1 } } })),
    ).tokens;
  }

  async environment(id: string): Promise<EnvironmentDetail> {
    return this.answer(
      await this.call(() =>
        this.client.GET('/api/v1/environments/{id}', { params: { path: { id } } }),
      ),
    );
  }

  /**
   * An action on the command path. `queued` (HTTP 202) means no worker took the job within
   * `wait`; the job still runs.
   */
  async act(
    id: string,
    action: EnvironmentAction,
    options: ActionOptions = {},
  ): Promise<ActionResult> {
    const params = {
      path: { id },
      query: options.wait === undefined ? {} : { wait: options.wait },
      header: { 'Idempotency-Key': options.idempotencyKey ?? randomUUID() },
    };
    const send = () => {
      switch (action) {
        case 'redeploy':
          return this.client.POST('/api/v1/environments/{id}/redeploy', { params });
        case 'rebuild':
          return this.client.POST('/api/v1/environments/{id}/rebuild', { params });
        case 'destroy':
          return this.client.POST('/api/v1/environments/{id}/destroy', { params });
        case 'sleep':
          return this.client.POST('/api/v1/environments/{id}/sleep', { params });
        case 'wake':
          return this.client.POST('/api/v1/environments/{id}/wake', { params });
        case 'extend':
          return this.client.POST('/api/v1/environments/{id}/extend', {
            params,
            body: { by: options.by ?? '' },
          });
      }
    };
    return this.answer(await this.call(send));
  }

  async mintShareLink(
    id: string,
    body: { ttlSeconds?: number; note?: string },
  ): Promise<MintedShareLink> {
    return this.answer(
      await this.call(() =>
        this.client.POST('/api/v1/environments/{id}/share-links', {
          params: { path: { id } },
          body,
        }),
      ),
    );
  }

  async repositories(): Promise<RepositorySettings[]> {
    return this.answer(await this.call(() => this.client.GET('/api/v1/repositories'))).repositories;
  }

  async repositorySettings(fullName: string): Promise<RepositorySettings> {
    const [owner = '', name = ''] = fullName.split('/');
    return this.answer(
      await this.call(() =>
        this.client.GET('/api/v1/repositories/{owner}/{name}/settings', {
          params: { path: { owner, name } },
        }),
      ),
    );
  }

  async updateRepositorySettings(
    fullName: string,
    patch: Record<string, unknown>,
  ): Promise<RepositorySettings> {
    const [owner = '', name = ''] = fullName.split('/');
    return this.answer(
      await this.call(() =>
        this.client.PATCH('/api/v1/repositories/{owner}/{name}/settings', {
          params: { path: { owner, name } },
          body: patch,
        }),
      ),
    );
  }

  /** Secret names of every scope that reaches a repository's previews (never values). */
  async secrets(fullName: string): Promise<SecretEntry[]> {
    const [owner = '', name = ''] = fullName.split('/');
    return this.answer(
      await this.call(() =>
        this.client.GET('/api/v1/repositories/{owner}/{name}/secrets', {
          params: { path: { owner, name } },
        }),
      ),
    ).secrets;
  }

  /** `scope`: `installation`, `repository` or `pr-<number>`; the value is write-only. */
  async setSecret(
    fullName: string,
    scope: string,
    key: string,
    body: { value: string } | { reference: string },
  ): Promise<SecretChange> {
    const [owner = '', name = ''] = fullName.split('/');
    return this.answer(
      await this.call(() =>
        this.client.PUT('/api/v1/repositories/{owner}/{name}/secrets/{scope}/{key}', {
          params: {
            path: { owner, name, scope, key },
            header: { 'Idempotency-Key': randomUUID() },
          },
          body,
        }),
      ),
    );
  }

  async removeSecret(fullName: string, scope: string, key: string): Promise<SecretChange> {
    const [owner = '', name = ''] = fullName.split('/');
    return this.answer(
      await this.call(() =>
        this.client.DELETE('/api/v1/repositories/{owner}/{name}/secrets/{scope}/{key}', {
          params: {
            path: { owner, name, scope, key },
            header: { 'Idempotency-Key': randomUUID() },
          },
        }),
      ),
    );
  }

  /** Usage and cost over days, grouped by environment, repository or day (decision 0025). */
  async costs(query: CostQuery): Promise<CostReport> {
    return this.answer(
      await this.call(() => this.client.GET('/api/v1/costs', { params: { query } })),
    );
  }

  async unopenedCosts(query: UnopenedCostQuery): Promise<UnopenedCost> {
    return this.answer(
      await this.call(() => this.client.GET('/api/v1/costs/unopened', { params: { query } })),
    );
  }

  async environmentCost(id: string): Promise<EnvironmentCostDays> {
    return this.answer(
      await this.call(() =>
        this.client.GET('/api/v1/environments/{id}/cost', { params: { path: { id } } }),
      ),
    );
  }

  /**
   * One service's log as server-sent events (`GET /environments/:id/logs`): the raw body, which
   * the caller parses (v1/env-logs.ts). Refusals throw like every other call.
   */
  async logStream(id: string, query: LogQuery): Promise<ReadableStream<Uint8Array>> {
    const body = this.answer(
      await this.call(() =>
        this.client.GET('/api/v1/environments/{id}/logs', {
          params: { path: { id }, query },
          headers: { Accept: 'text/event-stream' },
          parseAs: 'stream',
        }),
      ),
    );
    if (!body) throw new RestApiError('the api answered the log stream without a body', 502);
    return body;
  }

  private async walk<T>(
    page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
  ): Promise<T[]> {
    const all: T[] = [];
    let cursor: string | undefined;
    do {
      const next = await page(cursor);
      all.push(...next.items);
      cursor = next.nextCursor ?? undefined;
    } while (cursor);
    return all;
  }

  private async call<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new ApiUnreachableError(
        `cannot reach the Berth api at ${this.apiUrl} (${(error as Error).message}): check BERTH_API_URL`,
      );
    }
  }

  private answer<T>(result: { data?: T; error?: unknown; response: Response }): T {
    if (result.data !== undefined && result.response.ok) return result.data;
    throw new RestApiError(
      problemMessage(result.response.status, result.error),
      result.response.status,
    );
  }
}

/** `detail` and how to fix it, from the api's problem details. */
export function problemMessage(status: number, error: unknown): string {
  const problem = (typeof error === 'object' && error !== null ? error : {}) as Partial<Problem>;
  const fields = problem.errors?.length
    ? problem.errors.map((e) => `${e.field}: ${e.message}`).join('; ')
    : undefined;
  const detail = problem.detail ?? fields ?? `the api answered ${status}`;
  return problem.fix ? `${detail} (${problem.fix})` : detail;
}
