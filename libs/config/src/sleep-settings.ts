import { IDLE_SLEEP_MAX_HOURS } from '@berth/core';
import { z } from 'zod';

// Sleep and wake (docs/decisions/0024-sleep-and-wake.md): the operator's idle policy and how
// often a worker with the `sweep` role looks for idle previews; how long a gateway holds the
// first request to a sleeping preview before it answers "waking up".

export const DEFAULT_IDLE_SLEEP_HOURS = 0;
export const DEFAULT_SLEEP_SWEEP_INTERVAL_S = 300;
export const DEFAULT_WAKE_HOLD_MS = 5_000;

export const sleepSettings = {
  IDLE_SLEEP_HOURS: z.coerce
    .number({ error: 'must be a number of hours, e.g. 4' })
    .int('must be a whole number of hours')
    .min(0, 'must be 0 (previews never sleep) or 1 to 336 hours')
    .max(IDLE_SLEEP_MAX_HOURS, `must be at most ${IDLE_SLEEP_MAX_HOURS} hours (14 days)`)
    .default(DEFAULT_IDLE_SLEEP_HOURS)
    .describe(
      'hours without a request through the gateway before a ready preview is put to sleep ' +
        '(containers stopped, data kept; the next request wakes it); a repository may say ' +
        `otherwise (berth repo set --idle-sleep); 0 = never; default ${DEFAULT_IDLE_SLEEP_HOURS}`,
    ),
  SLEEP_SWEEP_INTERVAL_S: z.coerce
    .number({ error: 'must be a number of seconds, e.g. 300' })
    .int('must be a whole number of seconds')
    .min(0, 'must be 0 (no idle sweeps) or 1 to 86400 seconds')
    .max(86_400, 'must be at most 86400 seconds (1 day)')
    .default(DEFAULT_SLEEP_SWEEP_INTERVAL_S)
    .describe(
      'seconds between idle sweeps (workers with the sweep role, per Docker host); 0 = never ' +
        `(berth env sleep and wakes still work); default ${DEFAULT_SLEEP_SWEEP_INTERVAL_S}`,
    ),
};

export const wakeSettings = {
  WAKE_HOLD_MS: z.coerce
    .number({ error: 'must be a number of milliseconds, e.g. 5000' })
    .int('must be a whole number of milliseconds')
    .min(0, 'must be 0 (answer "waking up" at once) or up to 30000 ms')
    .max(30_000, 'must be at most 30000 ms: browsers and clients give up on a longer wait')
    .default(DEFAULT_WAKE_HOLD_MS)
    .describe(
      'how long the gateway holds a request to a sleeping preview while it wakes: woken in ' +
        'time, the request goes through; else a "waking up" page that reloads itself (503 with ' +
        `Retry-After for non-HTML requests); default ${DEFAULT_WAKE_HOLD_MS}`,
    ),
};
