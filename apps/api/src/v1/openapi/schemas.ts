import { z } from 'zod';

// The REST API's shapes (decision 0029), as zod schemas: the OpenAPI document is generated
// from them (@nestjs/swagger reads Standard JSON Schema), and the handlers' return types are
// inferred from them, so the document and the code cannot disagree.

const isoTime = z.string().describe('ISO 8601');
const nullableTime = isoTime.nullable();

export const ProblemSchema = z
  .object({
    type: z.string().describe('`urn:berth:problem:<kind>`'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .describe('which inputs were wrong'),
    fix: z.string().optional().describe('how to fix it'),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

export const EnvironmentSummarySchema = z
  .object({
    id: z.string(),
    repository: z.string().describe('owner/name'),
    prNumber: z.number().int(),
    branch: z.string(),
    baseBranch: z.string(),
    isFork: z.boolean(),
    state: z.string(),
    generation: z.number().int(),
    headSha: z.string(),
    createdAt: isoTime,
    updatedAt: isoTime,
    readyAt: nullableTime,
    closedAt: nullableTime,
    destroyedAt: nullableTime,
    expiresAt: nullableTime,
    sleptAt: nullableTime,
    lastAccessAt: nullableTime,
    accessCount: z.number().int(),
  })
  .meta({ id: 'EnvironmentSummary' });

export const EnvironmentPageSchema = z
  .object({
    environments: z.array(EnvironmentSummarySchema),
    nextCursor: z
      .string()
      .nullable()
      .describe('pass as `cursor` for the next page; null on the last page'),
  })
  .meta({ id: 'EnvironmentPage' });

const StageRunSchema = z.object({
  stage: z.string(),
  status: z.string(),
  attempt: z.number().int(),
  startedAt: nullableTime,
  finishedAt: nullableTime,
  durationMs: z.number().int().nullable(),
  error: z.string().nullable().describe('redacted'),
});

export const EnvironmentDetailSchema = EnvironmentSummarySchema.extend({
  config: z.unknown(),
  labelNotes: z.unknown(),
  stages: z.array(StageRunSchema),
  services: z.array(z.object({ name: z.string(), image: z.string(), source: z.string() })),
  urls: z.record(z.string(), z.string()),
  pullRequestUrl: z
    .string()
    .nullable()
    .describe("the pull request's page on GitHub; null for a repository's base environment"),
}).meta({ id: 'EnvironmentDetail' });

export const ActionResultSchema = z
  .object({
    environmentId: z.string(),
    action: z.enum(['redeploy', 'rebuild', 'destroy', 'extend', 'sleep', 'wake']),
    jobId: z.string(),
    status: z
      .enum([
        'redeploying',
        'destroying',
        'extended',
        'asleep',
        'woken',
        'awake',
        'waiting',
        'unmarked',
        'skipped',
        'queued',
      ])
      .describe(
        '`queued`: no worker answered within `wait` (HTTP 202); the job still runs. Wake: `awake` (it was), `waiting` (a redeploy will wake it)',
      ),
    generation: z.number().int().nullable(),
    expiresAt: nullableTime.describe('extend: the new expiry'),
    detail: z.string().optional(),
    containers: z
      .array(z.string())
      .optional()
      .describe('sleep: the containers stopped; wake: the containers started'),
    ms: z.number().int().optional().describe('wake: ms until its containers were ready again'),
  })
  .meta({ id: 'ActionResult' });

export const ExtendRequestSchema = z
  .object({ by: z.string().describe('how much longer, 1m to 14d, e.g. `24h`') })
  .describe('ExtendRequest');

export const ApiTokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().describe('the first characters of the token, to recognise it'),
    scope: z.enum(['read', 'write', 'admin']),
    repository: z.string().nullable().describe('owner/name or owner/*; null: every repository'),
    createdBy: z.string(),
    createdAt: isoTime,
    expiresAt: nullableTime,
    lastUsedAt: nullableTime.describe('to the minute'),
    revokedAt: nullableTime,
    status: z.enum(['active', 'expired', 'revoked']),
  })
  .meta({ id: 'ApiToken' });

export const CreatedApiTokenSchema = ApiTokenSchema.extend({
  token: z.string().describe('shown once: only its SHA-256 is stored'),
}).meta({ id: 'CreatedApiToken' });

export const ApiTokenPageSchema = z
  .object({ tokens: z.array(ApiTokenSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'ApiTokenPage' });

export const CreateTokenRequestSchema = z
  .object({
    name: z.string().describe('what it is for, 1 to 100 characters'),
    scope: z.enum(['read', 'write', 'admin']),
    repository: z.string().optional().describe('owner/name or owner/*'),
    expiresInDays: z.number().int().optional().describe('1 to 3650; default: never'),
  })
  .describe('CreateTokenRequest');

export const AuditEntrySchema = z
  .object({
    id: z.string(),
    at: isoTime,
    actorId: z
      .string()
      .describe(
        'a token id, `bootstrap:admin`, or `github:<user id>` for a person (console sign-in or a PR chat-op)',
      ),
    actorName: z.string(),
    method: z.string().describe('the HTTP method, or `COMMENT` for a PR chat-op'),
    route: z.string().describe('the route pattern, or `/berth <command>` for a PR chat-op'),
    target: z.string().nullable(),
    status: z
      .number()
      .int()
      .describe('the HTTP status answered; for a chat-op, the one the REST route would answer'),
    outcome: z.enum(['succeeded', 'refused', 'failed']),
    detail: z.string().nullable(),
  })
  .meta({ id: 'AuditEntry' });

export const AuditPageSchema = z
  .object({ entries: z.array(AuditEntrySchema), nextCursor: z.string().nullable() })
  .meta({ id: 'AuditPage' });

export const RepositorySettingsSchema = z
  .looseObject({
    fullName: z.string().describe('owner/name, lowercased'),
    configured: z.boolean().describe("false: nothing stored, every value is Berth's default"),
    enabled: z.boolean(),
    accessMode: z.string(),
    accessModes: z.array(z.string()),
    allowedVariables: z.array(z.string()),
    ipAllowlist: z.array(z.string()),
    forkSecrets: z.boolean(),
    bypassTokenSet: z.boolean(),
    buildSecrets: z
      .array(z.string())
      .optional()
      .describe('secret scope names its builds may mount (compose build.secrets); absent: none'),
    composePath: z.string().optional(),
    baseBranch: z.string().optional(),
    defaultTtlHours: z.number().optional(),
    idleSleepHours: z.number().optional(),
    defaultDbMode: z.string().optional(),
    maxMemoryMb: z.number().optional(),
    maxCpus: z.number().optional(),
    maxPids: z.number().optional(),
    maxServices: z.number().optional(),
  })
  .meta({ id: 'RepositorySettings', description: 'the operator-owned settings of a repository' });

export const RepositorySettingsListSchema = z
  .object({ repositories: z.array(RepositorySettingsSchema) })
  .meta({ id: 'RepositorySettingsList' });

export const ShareLinkSchema = z
  .object({
    id: z.string(),
    environmentId: z.string(),
    createdBy: z.string(),
    createdAt: isoTime,
    expiresAt: isoTime,
    revokedAt: nullableTime,
    note: z.string().nullable(),
    status: z.enum(['active', 'expired', 'revoked']),
  })
  .meta({ id: 'ShareLink' });

export const MintedShareLinkSchema = ShareLinkSchema.extend({
  links: z.record(z.string(), z.string()).describe('service → link; shown once'),
}).meta({ id: 'MintedShareLink' });

export const MintShareLinkRequestSchema = z
  .object({
    ttlSeconds: z.number().int().optional().describe('3600 to 604800; default 86400'),
    note: z.string().optional().describe('who it is for'),
  })
  .describe('MintShareLinkRequest');

export type EnvironmentPage = z.infer<typeof EnvironmentPageSchema>;
export type EnvironmentDetailBody = z.infer<typeof EnvironmentDetailSchema>;
export type ActionResult = z.infer<typeof ActionResultSchema>;
export type StageHistory = z.infer<typeof StageHistorySchema>;
export type BuildLogBody = z.infer<typeof BuildLogSchema>;
export type LogLine = z.infer<typeof LogLineSchema>;
export type ApiTokenView = z.infer<typeof ApiTokenSchema>;
export type CreatedApiToken = z.infer<typeof CreatedApiTokenSchema>;
export type ApiTokenPage = z.infer<typeof ApiTokenPageSchema>;
export type AuditEntryView = z.infer<typeof AuditEntrySchema>;
export type AuditPage = z.infer<typeof AuditPageSchema>;
export type ShareLinkBody = z.infer<typeof ShareLinkSchema>;
export type MintedShareLinkBody = z.infer<typeof MintedShareLinkSchema>;
export type RepositorySettingsBody = z.infer<typeof RepositorySettingsSchema>;
export type RepositorySettingsList = z.infer<typeof RepositorySettingsListSchema>;

export const StageHistorySchema = z
  .object({
    environmentId: z.string(),
    generations: z
      .array(
        z.object({
          generation: z.number().int(),
          headSha: z.string(),
          createdAt: isoTime,
          stages: z.array(StageRunSchema).describe('every attempt of every stage, oldest first'),
        }),
      )
      .describe('newest first'),
  })
  .meta({ id: 'StageHistory' });

export const BuildLogSchema = z
  .object({
    environmentId: z.string(),
    generation: z.number().int(),
    services: z
      .array(
        z.object({
          service: z.string(),
          succeeded: z.boolean(),
          lines: z.array(z.string()).describe('the build output tail, redacted'),
          droppedLines: z
            .number()
            .int()
            .describe('lines cut from the start (at most 500 are kept per service)'),
          updatedAt: isoTime,
        }),
      )
      .describe('services built in this generation; a reused image has no log'),
  })
  .meta({ id: 'BuildLog' });

/** What one `log` event of `GET /environments/:id/logs` carries. */
export const LogLineSchema = z
  .object({
    service: z.string(),
    stream: z.enum(['stdout', 'stderr']),
    time: isoTime.describe('when Docker received the line (RFC 3339, nanoseconds)'),
    line: z.string().describe('secret values redacted'),
  })
  .meta({ id: 'LogLine' });

/** A request body's schema for `@ApiBody`. */
export function bodySchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'openapi-3.0' });
  return rest;
}
