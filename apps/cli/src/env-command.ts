import { parseTtl, TTL_EXTEND_MAX_MS, TTL_EXTEND_MIN_MS } from '@berth/core';
import { UsageError } from './repo-flags.js';
import type { ActionResult } from './rest-client.js';

export const ENV_USAGE = `  berth env extend <owner/name>#<pr> --by <1m..14d>
                                            keep a preview longer: expiry moves by that much
                                            past the later of its current expiry and now (its
                                            TTL: the ttl: label, else the repository's default)
  berth env sleep <owner/name>#<pr>         stop a ready preview's containers (data kept); the
                                            first request through the gateway wakes it
  berth env wake <owner/name>#<pr>          start a sleeping preview again now`;

/**
 * `berth env <unknown>`: every `env` command is a commander command on the REST API v1
 * (v1/env-commands.ts, decision 0032); what reaches here is none of them.
 */
export function envCommand(command: string | undefined): never {
  throw new UsageError(`unknown command \`env ${command ?? ''}\`\n\n${ENV_USAGE}`);
}

/** The human answer of `berth env sleep|wake`. */
export function sleepLine(
  command: 'sleep' | 'wake',
  target: string,
  view: Pick<ActionResult, 'status' | 'jobId' | 'containers' | 'ms' | 'detail'>,
): string {
  switch (view.status) {
    case 'asleep':
      return (
        `${target} is asleep: ${view.containers?.length ?? 0} container(s) stopped, data kept` +
        (view.detail ? ` (${view.detail})` : '') +
        '; the first request through the gateway wakes it'
      );
    case 'woken':
      return `${target} is awake: ${view.containers?.length ?? 0} container(s) ready in ${((view.ms ?? 0) / 1000).toFixed(1)} s`;
    case 'queued':
      return (
        `${target}: ${command} queued (job ${view.jobId}); no worker answered yet — is a worker ` +
        'with the sweep role running?'
      );
    default:
      return `${target}: ${view.status}${view.detail ? ` (${view.detail})` : ''}`;
  }
}

/** `acme/shop#12`, or `acme/shop 12`. */
export function environmentTarget(positionals: readonly string[]): [string, number] {
  const joined = positionals.join(' ').trim();
  const match = /^([A-Za-z0-9-]+\/[A-Za-z0-9._-]+)(?:#|\s+)(\d+)$/.exec(joined);
  if (!match || !/^[1-9]\d{0,9}$/.test(match[2] as string)) {
    throw new UsageError(
      `give the preview as <owner/name>#<pr> (e.g. acme/shop#12), got ${JSON.stringify(joined)}`,
    );
  }
  return [match[1] as string, Number(match[2])];
}

/** `--by 24h`: the `ttl:` label's units, 1m to 14d. */
export function extensionMs(input: string): number {
  let ms: number;
  try {
    ms = parseTtl(input.trim());
  } catch (error) {
    throw new UsageError(`--by: ${(error as Error).message}`);
  }
  if (ms < TTL_EXTEND_MIN_MS || ms > TTL_EXTEND_MAX_MS) {
    throw new UsageError(`--by: an extension is from 1m to 14d, got ${JSON.stringify(input)}`);
  }
  return ms;
}
