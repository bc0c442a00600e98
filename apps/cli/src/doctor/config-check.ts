import { ConfigError, loadConfig, workerConfigSchema } from '@berth/config';
import type { CliEnv } from '../cli-context.js';
import { type CheckResult, fail, ok, reason } from './check.js';

/** The worker's whole configuration loads (what it would refuse at boot, said now). */
export function checkConfig(env: CliEnv): CheckResult {
  try {
    loadConfig('worker', workerConfigSchema, env);
    return ok('config', "the worker's configuration is complete and valid");
  } catch (error) {
    if (!(error instanceof ConfigError)) return fail('config', reason(error), 'see the message');
    return fail(
      'config',
      error.problems.map((p) => `${p.key}: ${p.message}`).join('; '),
      `set ${error.problems.map((p) => p.key).join(', ')} in the control plane's environment (see .env.example)`,
    );
  }
}
