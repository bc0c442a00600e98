import { parseArgs } from 'node:util';
import { parseTtl, TTL_EXTEND_MAX_MS, TTL_EXTEND_MIN_MS } from '@berth/core';
import type { AdminClient, SleepChangeView } from './admin-client.js';
import { UsageError } from './repo-flags.js';

export const ENV_USAGE = `  berth env extend <owner/name>#<pr> --by <1m..14d>
                                            keep a preview longer: expiry moves by that much
                                            past the later of its current expiry and now (its
                                            TTL: the ttl: label, else the repository's default)
  berth env sleep <owner/name>#<pr>         stop a ready preview's containers (data kept); the
                                            first request through the gateway wakes it
  berth env wake <owner/name>#<pr>          start a sleeping preview again now`;

/** `berth env extend` (decision 0020), `berth env sleep|wake` (decision 0024). */
export async function envCommand(
  command: string | undefined,
  args: readonly string[],
  client: () => AdminClient,
  env: Record<string, string | undefined>,
  out: (line: string) => void,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { by: { type: 'string' }, json: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  if (command === 'sleep' || command === 'wake') {
    const [repository, pr] = environmentTarget(positionals);
    if (values.by !== undefined) throw new UsageError(`--by is for \`env extend\` only`);
    const requestedBy = env['USER']?.trim() || 'berth-cli';
    const view = await client().changeSleep(command, repository, pr, { requestedBy });
    if (values.json) {
      out(JSON.stringify(view, null, 2));
      return 0;
    }
    out(sleepLine(command, `${repository}#${pr}`, view));
    return view.status === 'queued' ? 1 : 0;
  }
  if (command !== 'extend') {
    throw new UsageError(`unknown command \`env ${command ?? ''}\`\n\n${ENV_USAGE}`);
  }
  const [repository, pr] = environmentTarget(positionals);
  if (values.by === undefined) throw new UsageError('--by is required, e.g. --by 24h');
  extensionMs(values.by);
  const view = await client().extendTtl(repository, pr, {
    by: values.by.trim(),
    requestedBy: env['USER']?.trim() || 'berth-cli',
  });
  if (values.json) {
    out(JSON.stringify(view, null, 2));
    return 0;
  }
  if (view.status !== 'extended') {
    out(
      `${repository}#${pr}: extension queued (job ${view.jobId}); no worker answered yet — is a ` +
        'worker with the sweep role running?',
    );
    return 1;
  }
  out(
    `${repository}#${pr} now expires at ${view.expiresAt}` +
      (view.previousExpiresAt ? ` (was ${view.previousExpiresAt})` : ''),
  );
  return 0;
}

/** The human answer of `berth env sleep|wake`. */
export function sleepLine(
  command: 'sleep' | 'wake',
  target: string,
  view: Pick<SleepChangeView, 'status' | 'jobId' | 'containers' | 'ms' | 'detail'>,
): string {
  switch (view.status) {
    case 'asleep':
      return (
        `${target} is asleep: ${view.containers.length} container(s) stopped, data kept` +
        (view.detail ? ` (${view.detail})` : '') +
        '; the first request through the gateway wakes it'
      );
    case 'woken':
      return `${target} is awake: ${view.containers.length} container(s) ready in ${((view.ms ?? 0) / 1000).toFixed(1)} s`;
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
