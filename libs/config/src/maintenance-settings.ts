import { z } from 'zod';

// The reconciler (docs/decisions/0018-reconciler.md): how often a worker with the `sweep` role
// compares its Docker host with the ledger, and how old an orphan must be before it goes.

export const DEFAULT_RECONCILE_INTERVAL_S = 600;
export const DEFAULT_RECONCILE_GRACE_S = 900;

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
};
