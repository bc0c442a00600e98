import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { freePort, TEST_MASTER_KEY } from '@berth/testing';
import { testServices } from './test-services.js';

/** A worker's whole environment for a real process: the test services, a free ops port, an App. */
export async function workerEnv(
  extra: Record<string, string> = {},
): Promise<Record<string, string>> {
  const { databaseUrl, redisUrl } = testServices();
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    WORKER_PORT: String(await freePort()),
    GITHUB_APP_ID: '4242',
    GITHUB_APP_PRIVATE_KEY: generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs1', format: 'pem' })
      .toString(),
    PREVIEW_LINK_SECRET: 'link-secret-integration-test-0123456789abcdef',
    // Preview secrets are sealed under it (SECRET_BACKEND=postgres, the default).
    BERTH_MASTER_KEY: TEST_MASTER_KEY,
    // A queue of its own: jobs other spec files left in the shared Redis are not this worker's.
    QUEUE_PREFIX: `berth-spawned-${randomBytes(4).toString('hex')}`,
    // No internet here: a GitHub call must fail at once, never hang the worker's shutdown.
    GITHUB_API_URL: 'http://127.0.0.1:9',
    // The engine is shared with other runs whose environments live in other databases: no
    // scheduled reconciler (decision 0018), or it would take their objects for orphans.
    RECONCILE_INTERVAL_S: '0',
    // Likewise the resync with GitHub (decision 0022): on demand only.
    RESYNC_INTERVAL_S: '0',
    // And usage sampling (decision 0025): it would read other runs' containers on host `local`.
    COST_SAMPLE_INTERVAL_S: '0',
    ...extra,
  };
}
