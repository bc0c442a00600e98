import { z } from 'zod';

// The reconciler (docs/decisions/0018-reconciler.md): how often a worker with the `sweep` role
// compares its Docker host with the ledger, and how old an orphan must be before it goes.

export const DEFAULT_RECONCILE_INTERVAL_S = 600;
export const DEFAULT_RECONCILE_GRACE_S = 900;
/** The resync with GitHub (docs/decisions/0022-github-resync.md). */
export const DEFAULT_RESYNC_INTERVAL_S = 300;

export const maintenanceSettings = {
  RECONCILE_INTERVAL_S: z.coerce
    .number({ error: 'must be a number of seconds, e.g. 600' })
    .int('must be a whole number of seconds')
    .refine(
      (s) => s === 0 || (s >= 60 && s <= 86_400),
      'must be 0 (no scheduled runs) or 60 to 86400 seconds (1 min to 1 day)',
    )
    .default(DEFAULT_RECONCILE_INTERVAL_S)
    .describe(
      'seconds between reconciler runs (workers with the sweep role; one runs at a time per ' +
        'Docker host): removes what Berth made that no live environment owns; 0 = only on ' +
        `demand (POST /admin/v1/reconcile); default ${DEFAULT_RECONCILE_INTERVAL_S}`,
    ),
  RECONCILE_GRACE_S: z.coerce
    .number({ error: 'must be a number of seconds, e.g. 900' })
    .int('must be a whole number of seconds')
    .min(60, 'must be at least 60 seconds: a younger object may be one a stage is still making')
    .max(7 * 86_400, 'must be at most 604800 seconds (7 days)')
    .default(DEFAULT_RECONCILE_GRACE_S)
    .describe(
      'seconds an object (or its ledger row) must be untouched before the reconciler removes ' +
        `or marks it; default ${DEFAULT_RECONCILE_GRACE_S} (15 min)`,
    ),
  RESYNC_INTERVAL_S: z.coerce
    .number({ error: 'must be a number of seconds, e.g. 300' })
    .int('must be a whole number of seconds')
    .refine(
      (s) => s === 0 || (s >= 30 && s <= 86_400),
      'must be 0 (no scheduled resync) or 30 to 86400 seconds (30 s to 1 day)',
    )
    .default(DEFAULT_RESYNC_INTERVAL_S)
    .describe(
      'seconds between resyncs with GitHub (workers with the sweep role; one run at a time per ' +
        'installation): open PRs are compared with the environments and each difference (a ' +
        'lost opened, push or close webhook) is queued as the delivery GitHub would have sent; ' +
        `0 = only on demand (POST /admin/v1/resync); default ${DEFAULT_RESYNC_INTERVAL_S}`,
    ),
};

// TTL (docs/decisions/0020-ttl-expiry.md): how often a worker with the `sweep` role looks for
// previews to warn about or expire, Berth's default TTL, and the operator's cap on `ttl:` labels.

export const DEFAULT_TTL_SWEEP_INTERVAL_S = 60;
export const DEFAULT_TTL_DEFAULT_HOURS = 72;
/** 14 days: the longest a `ttl:` label can ask for. */
export const DEFAULT_TTL_MAX_HOURS = 336;

export const ttlSettings = {
  TTL_SWEEP_INTERVAL_S: z.coerce
    .number({ error: 'must be a number of seconds, e.g. 60' })
    .int('must be a whole number of seconds')
    .min(0, 'must be 0 (no sweeps: nothing expires) or 1 to 86400 seconds')
    .max(86_400, 'must be at most 86400 seconds (1 day): warnings would come too late')
    .default(DEFAULT_TTL_SWEEP_INTERVAL_S)
    .describe(
      'seconds between TTL sweeps (workers with the sweep role, per Docker host): previews ' +
        'near expiry are warned on their PR, expired ones torn down; 0 = never (extensions ' +
        `still work); default ${DEFAULT_TTL_SWEEP_INTERVAL_S}`,
    ),
  TTL_DEFAULT_HOURS: z.coerce
    .number({ error: 'must be a number of hours, e.g. 72' })
    .int('must be a whole number of hours')
    .min(1, 'must be at least 1 hour')
    .max(DEFAULT_TTL_MAX_HOURS, `must be at most ${DEFAULT_TTL_MAX_HOURS} hours (14 days)`)
    .default(DEFAULT_TTL_DEFAULT_HOURS)
    .describe(
      "a preview's time to live when neither a ttl: label nor the repository's default " +
        `(berth repo set --ttl) says otherwise; default ${DEFAULT_TTL_DEFAULT_HOURS}`,
    ),
  TTL_MAX_HOURS: z.coerce
    .number({ error: 'must be a number of hours, e.g. 336' })
    .int('must be a whole number of hours')
    .min(1, 'must be at least 1 hour')
    .max(DEFAULT_TTL_MAX_HOURS, `must be at most ${DEFAULT_TTL_MAX_HOURS} hours (14 days)`)
    .default(DEFAULT_TTL_MAX_HOURS)
    .describe(
      'the longest time to live a ttl: label (or a default) gives a preview; longer ones are ' +
        `capped; operators may still extend (berth env extend); default ${DEFAULT_TTL_MAX_HOURS}`,
    ),
};

/** TTL_DEFAULT_HOURS above TTL_MAX_HOURS would be silently capped: say so instead. */
export function ttlDefaultWithinMax(
  config: { TTL_DEFAULT_HOURS: number; TTL_MAX_HOURS: number },
  ctx: z.RefinementCtx,
): void {
  if (!Number.isInteger(config.TTL_DEFAULT_HOURS) || !Number.isInteger(config.TTL_MAX_HOURS)) {
    return;
  }
  if (config.TTL_DEFAULT_HOURS > config.TTL_MAX_HOURS) {
    ctx.addIssue({
      code: 'custom',
      path: ['TTL_DEFAULT_HOURS'],
      message: `must not exceed TTL_MAX_HOURS (${config.TTL_MAX_HOURS}): lower it or raise the maximum`,
    });
  }
}
