import { z } from 'zod';

// Disk stays bounded (issue 11): how long built images nobody uses are kept, how many per
// service stay anyway (a reopen starts without a build), an optional size budget for them, and
// how many source checkouts a worker keeps per repository.

export const DEFAULT_IMAGE_RETENTION_H = 72;
export const DEFAULT_IMAGE_KEEP_PER_SERVICE = 1;
export const DEFAULT_CHECKOUTS_KEPT = 5;

export const diskSettings = {
  IMAGE_RETENTION_H: z.coerce
    .number({ error: 'must be a number of hours, e.g. 72' })
    .int('must be a whole number of hours')
    .min(0, 'must be 0 (images are never removed) or more hours')
    .max(8_760, 'must be at most 8760 hours (a year)')
    .default(DEFAULT_IMAGE_RETENTION_H)
    .describe(
      'hours a built image no container and no live preview uses is kept before the reconciler ' +
        'removes it (the newest per service always stays); 0 = never remove images; default ' +
        `${DEFAULT_IMAGE_RETENTION_H}`,
    ),
  IMAGE_KEEP_PER_SERVICE: z.coerce
    .number({ error: 'must be a number, e.g. 1' })
    .int('must be a whole number')
    .min(1, 'must be at least 1: the newest image of a service is what a reopen runs')
    .max(100, 'must be at most 100')
    .default(DEFAULT_IMAGE_KEEP_PER_SERVICE)
    .describe(
      `newest built images kept per repository and service, used or not; default ${DEFAULT_IMAGE_KEEP_PER_SERVICE}`,
    ),
  IMAGE_BUDGET_MB: z.coerce
    .number({ error: 'must be a number of MiB, e.g. 20480' })
    .int('must be a whole number of MiB')
    .min(0, 'must be 0 (no budget) or more MiB')
    .default(0)
    .describe(
      "MiB Berth's built images may hold on a Docker host, counting each image's own layers " +
        '(not the base layers it shares); over it, the least recently used images nobody uses ' +
        'go first, retention or not; 0 = no budget (default)',
    ),
  CHECKOUTS_KEPT: z.coerce
    .number({ error: 'must be a number, e.g. 5' })
    .int('must be a whole number')
    .min(2, 'must be at least 2: stages of two generations may read checkouts at once')
    .max(1000, 'must be at most 1000')
    .default(DEFAULT_CHECKOUTS_KEPT)
    .describe(
      'source checkouts a worker keeps per repository (the most recently used); older ones are ' +
        `removed after each build, and the repository's mirror is packed; default ${DEFAULT_CHECKOUTS_KEPT}`,
    ),
};
