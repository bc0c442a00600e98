import { z } from 'zod';

// The operator routes' shapes (decision 0031): secrets, costs, deliveries, system. Zod, like
// schemas.ts: the OpenAPI document and the handlers' return types come from the same schema.

const isoTime = z.string().describe('ISO 8601');

// --- secrets ---------------------------------------------------------------------------------

const secretScope = z
  .string()
  .describe('`installation` (every repository of the owner), `repository`, or `pr-<number>`');

export const SecretEntrySchema = z
  .object({
    scope: secretScope,
    name: z.string(),
    kind: z.enum(['value', 'reference']),
    reference: z
      .string()
      .optional()
      .describe('the Secrets Manager id a reference points at (never a value)'),
    updatedAt: isoTime,
  })
  .meta({ id: 'SecretEntry', description: 'a secret by name: its value is never answered' });

export const SecretListSchema = z
  .object({ repository: z.string(), secrets: z.array(SecretEntrySchema) })
  .meta({ id: 'SecretList' });

export const SecretWriteSchema = z
  .object({
    value: z.string().optional().describe('the secret; stored sealed, never shown again'),
    reference: z
      .string()
      .optional()
      .describe('a Secrets Manager secret name or ARN, optionally `#jsonKey`'),
  })
  .describe('exactly one of `value` or `reference`');

export const SecretChangeSchema = z
  .object({
    repository: z.string(),
    scope: secretScope,
    name: z.string(),
    kind: z.enum(['value', 'reference']).optional(),
    removed: z.boolean().optional(),
  })
  .meta({ id: 'SecretChange', description: 'what changed, by name only' });

// --- costs -----------------------------------------------------------------------------------

const UsageSchema = z
  .object({
    cpuSeconds: z.number(),
    cpuHours: z.number(),
    memoryGbHours: z.number(),
    diskGbHours: z.number(),
    networkGb: z.number(),
    awakeHours: z.number(),
    containerHours: z.number(),
    diskGb: z.number(),
    samples: z.number().int(),
    firstDay: z.string().nullable(),
    lastDay: z.string().nullable(),
  })
  .meta({ id: 'Usage' });

const CostSchema = z
  .object({
    cpu: z.number(),
    memory: z.number(),
    disk: z.number(),
    network: z.number(),
    total: z.number(),
    formatted: z.string(),
  })
  .meta({ id: 'Cost', description: 'US dollars at the api’s PRICE_* table' });

const PricesSchema = z
  .object({
    currency: z.literal('USD'),
    vcpuHour: z.number(),
    memoryGbHour: z.number(),
    diskGbMonth: z.number(),
    networkGb: z.number(),
  })
  .meta({ id: 'Prices' });

const TotalSchema = z.object({ usage: UsageSchema, cost: CostSchema });

export const EnvironmentCostSchema = z
  .object({
    repository: z.string(),
    pr: z.number().int(),
    environmentId: z.string(),
    state: z.string(),
    dockerHost: z.string(),
    createdAt: isoTime,
    readyAt: isoTime.nullable(),
    destroyedAt: isoTime.nullable(),
    lastAccessAt: isoTime.nullable(),
    accessCount: z.number().int(),
    usage: UsageSchema,
    cost: CostSchema,
  })
  .meta({ id: 'EnvironmentCost' });

export const CostReportSchema = z
  .object({
    by: z.enum(['environment', 'repository', 'day']),
    from: z.string(),
    to: z.string(),
    repository: z.string().nullable(),
    prices: PricesSchema,
    total: TotalSchema,
    rows: z.array(
      z.union([
        EnvironmentCostSchema,
        z.object({
          repository: z.string(),
          environments: z.number().int(),
          usage: UsageSchema,
          cost: CostSchema,
        }),
        z.object({
          day: z.string(),
          environments: z.number().int(),
          usage: UsageSchema,
          cost: CostSchema,
        }),
      ]),
    ),
  })
  .meta({ id: 'CostReport' });

export const EnvironmentCostDaysSchema = EnvironmentCostSchema.extend({
  prices: PricesSchema,
  days: z.array(z.object({ day: z.string(), usage: UsageSchema, cost: CostSchema })),
}).meta({ id: 'EnvironmentCostDays' });

export const UnopenedCostSchema = z
  .object({
    since: isoTime,
    prices: PricesSchema,
    total: TotalSchema,
    previews: z.array(EnvironmentCostSchema),
  })
  .meta({ id: 'UnopenedCost' });

// --- deliveries ------------------------------------------------------------------------------

export const DELIVERY_OUTCOMES = [
  'received',
  'processed',
  'ignored',
  'rejected',
  'failed',
] as const;

export const DeliverySchema = z
  .object({
    id: z.string().describe('X-GitHub-Delivery (a redelivery: `<original>:redeliver:<n>`)'),
    event: z.string(),
    action: z.string().nullable(),
    receivedAt: isoTime,
    processedAt: isoTime.nullable(),
    outcome: z.enum(DELIVERY_OUTCOMES).describe('`received`: still waiting for a worker'),
    detail: z.string().nullable().describe('why it was ignored, rejected or postponed (redacted)'),
    attempts: z.number().int(),
    repository: z.string().nullable(),
    prNumber: z.number().int().nullable(),
    environmentId: z.string().nullable().describe('the environment it is about, if any'),
  })
  .meta({ id: 'Delivery' });

export const DeliveryPageSchema = z
  .object({ deliveries: z.array(DeliverySchema), nextCursor: z.string().nullable() })
  .meta({ id: 'DeliveryPage' });

export const RedeliverySchema = z
  .object({
    deliveryId: z.string().describe('the inbox row that will be processed'),
    redeliveryOf: z.string(),
    status: z
      .enum(['queued', 'already-waiting'])
      .describe('`already-waiting`: it (or a redelivery of it) is still in the inbox'),
  })
  .meta({ id: 'Redelivery' });

// --- system ----------------------------------------------------------------------------------

export const HostSchema = z
  .object({
    name: z.string(),
    environments: z.number().int(),
    asleep: z.number().int(),
    containers: z.number().int(),
    memory: z.object({
      capacityBytes: z
        .number()
        .nullable()
        .describe("the admission ceiling the host's worker last used; null: not yet measured"),
      capacityMeasuredAt: isoTime.nullable(),
      committedBytes: z.number().describe('memory limits admitted (the resource ledger)'),
      inUseBytes: z.number().describe("running containers' memory, from the usage sampler"),
      waitingBytes: z.number().describe('what the environments in line ask for'),
    }),
    waiting: z.number().int().describe("environments in the host's admission line"),
    cpuSecondsToday: z.number().describe('CPU time used today (UTC), from the usage sampler'),
    sampledAt: isoTime.nullable(),
  })
  .meta({ id: 'DockerHost' });

export const QueueDepthSchema = z
  .object({
    queue: z.string(),
    waiting: z.number().int(),
    active: z.number().int(),
    delayed: z.number().int(),
    failed: z.number().int(),
    prioritized: z.number().int(),
  })
  .meta({ id: 'QueueDepth' });

export const SystemSchema = z
  .object({
    hosts: z.array(HostSchema),
    queues: z.array(QueueDepthSchema),
    inbox: z.object({ waiting: z.number().int().describe('deliveries not processed yet') }),
  })
  .meta({ id: 'System' });

export const FailedJobSchema = z
  .object({
    queue: z.string(),
    id: z.string(),
    name: z.string(),
    environmentId: z.string().nullable(),
    failedReason: z.string().describe('redacted'),
    attempts: z.number().int(),
    failedAt: isoTime.nullable(),
  })
  .meta({ id: 'FailedJob' });

export const FailedJobListSchema = z
  .object({ jobs: z.array(FailedJobSchema) })
  .meta({ id: 'FailedJobList' });

export type SecretList = z.infer<typeof SecretListSchema>;
export type SecretChange = z.infer<typeof SecretChangeSchema>;
export type CostReport = z.infer<typeof CostReportSchema>;
export type EnvironmentCostDays = z.infer<typeof EnvironmentCostDaysSchema>;
export type UnopenedCost = z.infer<typeof UnopenedCostSchema>;
export type DeliveryPage = z.infer<typeof DeliveryPageSchema>;
export type Redelivery = z.infer<typeof RedeliverySchema>;
export type SystemView = z.infer<typeof SystemSchema>;
export type FailedJobList = z.infer<typeof FailedJobListSchema>;

export const EnvironmentChecksSchema = z
  .object({
    /** The commit the checks are on: the environment's head. */
    headSha: z.string(),
    checks: z.array(
      z.object({
        name: z.string().describe('`Berth / preview` or `Berth / e2e`'),
        status: z.string().describe('queued, in_progress or completed'),
        conclusion: z.string().nullable().describe('success, failure, … once completed'),
        url: z.string().nullable().describe('the check run on GitHub'),
      }),
    ),
  })
  .meta({ id: 'EnvironmentChecks' });
export type EnvironmentChecks = z.infer<typeof EnvironmentChecksSchema>;

export const EnvironmentServicesSchema = z
  .object({
    services: z.array(
      z.object({
        service: z.string(),
        container: z.string(),
        state: z.string().describe('the engine’s: running, exited, restarting, …'),
        health: z.string().nullable().describe('healthy, unhealthy, starting; null: no check'),
        restarts: z.number().int(),
        cpuPercent: z.number().nullable().describe('percent of one core over the last window'),
        memoryBytes: z.number().nullable(),
        memoryLimitBytes: z.number().nullable(),
        sampledAt: isoTime,
      }),
    ),
  })
  .meta({ id: 'EnvironmentServices' });
export type EnvironmentServices = z.infer<typeof EnvironmentServicesSchema>;
