import { loadConfig, workerConfigSchema } from '@berth/config';
import { z } from 'zod';
import type { CliEnv } from '../cli-context.js';

// One `berth doctor` check: what it looked at, whether it is fine, and if not, what is wrong
// and how to fix it. `skip`: not configured here (e.g. no Route 53), so nothing to check.

export type CheckStatus = 'ok' | 'fail' | 'skip';

export interface CheckResult {
  /** Short and stable (scripts read it from --json): `api`, `docker`, `postgres`, … */
  name: string;
  status: CheckStatus;
  /** What was found: a version, an endpoint, or what is wrong. */
  detail: string;
  /** How to fix it (fail only). */
  fix?: string;
}

export const ok = (name: string, detail: string): CheckResult => ({ name, status: 'ok', detail });
export const skip = (name: string, detail: string): CheckResult => ({
  name,
  status: 'skip',
  detail,
});
export const fail = (name: string, detail: string, fix: string): CheckResult => ({
  name,
  status: 'fail',
  detail,
  fix,
});

/**
 * One setting as the worker reads it (libs/config: the same validation, default and `_FILE`
 * form), without requiring the rest of the worker's configuration to be complete.
 */
export function workerSetting<K extends keyof typeof workerConfigSchema.shape>(
  env: CliEnv,
  key: K,
): z.infer<(typeof workerConfigSchema.shape)[K]> {
  const field = (workerConfigSchema.shape as unknown as Record<string, z.ZodType>)[key]!;
  const loaded = loadConfig('worker', z.object({ [key]: field }), env) as Record<string, unknown>;
  return loaded[key] as z.infer<(typeof workerConfigSchema.shape)[K]>;
}

/** A check's promise, bounded: a hung socket is a failure with its own name, not a hung CLI. */
export async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The message of whatever a library threw, one line. */
export function reason(error: unknown): string {
  const e = error as { message?: string; code?: string; name?: string };
  const text = (e.message ?? String(error)).split('\n')[0]!.trim();
  return e.code && !text.includes(e.code) ? `${e.code}: ${text}` : text || (e.name ?? 'error');
}
