import { DEFAULT_ADMISSION_MAX_WAIT_S, DEFAULT_MEMORY_COMMIT_RATIO } from '@berth/core';
import { z } from 'zod';
import { positiveInt } from './fields.js';

// What preview containers may use at run time: the operator's default ceilings (a repository's
// own `berth repo set --max-*` wins), the host's memory commitment that admission keeps to, and
// how long a preview may wait in line for it.

export const runtimeSettings = {
  MAX_SERVICE_MEMORY_MB: positiveInt(
    4096,
    'memory ceiling per preview container in MB for repositories without --max-memory; a ' +
      'compose file asking for more is clamped to it; default 4096',
  ),
  MAX_SERVICE_CPUS: z.coerce
    .number({ error: 'must be a number' })
    .positive('must be greater than 0')
    .default(2)
    .describe(
      'CPU ceiling per preview container for repositories without --max-cpus, fractions ' +
        'allowed; default 2',
    ),
  MAX_SERVICE_PIDS: positiveInt(
    1024,
    'process ceiling per preview container for repositories without --max-pids; default 1024',
  ),
  MAX_SERVICES: positiveInt(
    20,
    'services one preview may run for repositories without --max-services; more is refused ' +
      'with a PR message; default 20',
  ),
  HOST_MEMORY_COMMIT_MB: z.coerce
    .number({ error: 'must be a number (MB)' })
    .int('must be a whole number of MB')
    .positive('must be greater than 0 (MB)')
    .optional()
    .describe(
      'memory (MB) the memory limits of all previews on this Docker host may add up to; a ' +
        'preview that would pass it waits, queued, until others free memory; default ' +
        "HOST_MEMORY_COMMIT_RATIO × the engine's MemTotal (docker info)",
    ),
  HOST_MEMORY_COMMIT_RATIO: z.coerce
    .number({ error: 'must be a number, e.g. 0.9' })
    .positive('must be greater than 0, e.g. 0.9')
    .max(4, 'must be at most 4 (limits are ceilings, so some overcommit is sane; 4× is not)')
    .default(DEFAULT_MEMORY_COMMIT_RATIO)
    .describe(
      "share of the engine's MemTotal previews may be promised when HOST_MEMORY_COMMIT_MB is " +
        `unset; above 1 overcommits; default ${DEFAULT_MEMORY_COMMIT_RATIO}`,
    ),
  ADMISSION_MAX_WAIT_S: positiveInt(
    DEFAULT_ADMISSION_MAX_WAIT_S,
    'seconds a preview may wait, queued, for host memory before it fails with a PR message ' +
      '(a new push or preview:rebuild queues it again); e.g. 7200 for 2 h; default ' +
      `${DEFAULT_ADMISSION_MAX_WAIT_S} (1 h)`,
  ),
};
