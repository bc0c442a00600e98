import { z } from 'zod';
import { positiveInt } from './fields.js';

// How the worker gets images: pulls from registries and confined builds. Defaults suit a small
// host running two builds at once (WORKER_CONCURRENCY 2).

export const imageSettings = {
  REGISTRY_AUTH_FILE: z
    .string()
    .trim()
    .optional()
    .describe(
      'path of a docker-config-style JSON with credentials for private registries: ' +
        '{"auths": {"<host>": {"username": "…", "password": "…"}}} or {"auth": base64("user:password")}; ' +
        'unset = anonymous pulls',
    ),
  PULL_TIMEOUT_S: positiveInt(
    600,
    'seconds one image pull may take before it is abandoned (and retried); default 600',
  ),
  BUILD_MEMORY_MB: positiveInt(
    2048,
    'memory limit of each build step in MB (no swap on top); default 2048',
  ),
  BUILD_CPUS: z.coerce
    .number({ error: 'must be a number' })
    .positive('must be greater than 0')
    .default(1)
    .describe('CPUs each build may use, fractions allowed (0.5); default 1'),
  BUILD_PIDS: positiveInt(
    512,
    'processes a build may run at once (a cgroup parent; needs the cgroupfs driver and the ' +
      "engine's /sys/fs/cgroup writable by the worker); default 512",
  ),
  BUILD_TIMEOUT_S: positiveInt(
    1800,
    'seconds one build may take; past it the build is stopped and its PR told; default 1800',
  ),
  BUILD_NETWORK: z
    .enum(['bridge', 'none'], { error: 'must be bridge or none' })
    .default('bridge')
    .describe(
      "network of build steps: bridge (package installs work) or none; the host's network is never offered; default bridge",
    ),
};
