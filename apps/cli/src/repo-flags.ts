import {
  ACCESS_MODES,
  DB_MODES,
  IDLE_SLEEP_MAX_HOURS,
  normaliseSlackChannel,
  parseByteSize,
  parseTtl,
  PREVIEW_ACCESS_MODES,
  type RepositorySettingsPatch,
  SLACK_CHANNEL_FORM,
} from '@berth/core';
import {
  type CurrentSsoLists,
  SSO_FLAG_OF_FIELD,
  ssoPatch,
  type SsoSetValues,
} from './sso-flags.js';

/** A command-line mistake: the message names the flag and the fix; exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `berth repo set` flags → the settings field each one writes (for server messages too). */
export const FLAG_OF_FIELD: Record<string, string> = {
  enabled: '--enable/--disable',
  composePath: '--compose-path',
  baseBranch: '--base-branch',
  accessMode: '--access-mode',
  defaultTtlHours: '--ttl',
  idleSleepHours: '--idle-sleep',
  defaultDbMode: '--db-mode',
  maxMemoryMb: '--max-memory',
  maxCpus: '--max-cpus',
  maxPids: '--max-pids',
  maxServices: '--max-services',
  allowedVariables: '--allow-variable',
  accessModes: '--access',
  ipAllowlist: '--ip-allow',
  forkSecrets: '--fork-secrets/--no-fork-secrets',
  buildSecrets: '--allow-build-secret',
  slackChannel: '--slack-channel',
  ...SSO_FLAG_OF_FIELD,
};

export interface RepoSetValues extends SsoSetValues {
  enable?: boolean;
  disable?: boolean;
  'compose-path'?: string;
  'base-branch'?: string;
  'access-mode'?: string;
  ttl?: string;
  'idle-sleep'?: string;
  'db-mode'?: string;
  'max-memory'?: string;
  'max-cpus'?: string;
  'max-pids'?: string;
  'max-services'?: string;
  'allow-variable'?: string[];
  'no-variables'?: boolean;
  access?: string;
  'ip-allow'?: string[];
  'no-ip-allow'?: boolean;
  'fork-secrets'?: boolean;
  'no-fork-secrets'?: boolean;
  'allow-build-secret'?: string[];
  'no-build-secrets'?: boolean;
  'slack-channel'?: string;
  unset?: string[];
}

/**
 * Turns `berth repo set` flags into the admin API's settings change. Units are the operator's
 * (`--ttl 24h`, `--max-memory 2g`); the server validates the result again.
 */
export function repoSetPatch(
  values: RepoSetValues,
  current: string[] = [],
  currentIpAllowlist: string[] = [],
  currentSso: CurrentSsoLists = {},
  currentBuildSecrets: string[] = [],
): RepositorySettingsPatch {
  const patch: Record<string, unknown> = { ...ssoPatch(values, currentSso) };
  if (values.enable && values.disable) throw new UsageError('--enable and --disable: pick one');
  if (values.enable) patch['enabled'] = true;
  if (values.disable) patch['enabled'] = false;
  if (values['fork-secrets'] && values['no-fork-secrets']) {
    throw new UsageError('--fork-secrets and --no-fork-secrets: pick one');
  }
  if (values['fork-secrets']) patch['forkSecrets'] = true;
  if (values['no-fork-secrets']) patch['forkSecrets'] = false;
  if (values['compose-path'] !== undefined) patch['composePath'] = values['compose-path'];
  if (values['base-branch'] !== undefined) patch['baseBranch'] = values['base-branch'];
  const slack = values['slack-channel'];
  if (slack !== undefined) {
    const channel = normaliseSlackChannel(slack);
    if (channel === undefined) {
      throw new UsageError(`--slack-channel: must be ${SLACK_CHANNEL_FORM}`);
    }
    patch['slackChannel'] = channel;
  }
  const mode = values['access-mode'];
  if (mode !== undefined) {
    if (!(ACCESS_MODES as readonly string[]).includes(mode)) {
      throw new UsageError(
        `--access-mode: unknown access mode ${JSON.stringify(mode)}; use private (the default: a share link or sign-in in front of every URL) or public`,
      );
    }
    patch['accessMode'] = mode;
  }
  if (values.ttl !== undefined) patch['defaultTtlHours'] = ttlHours(values.ttl);
  if (values['idle-sleep'] !== undefined) patch['idleSleepHours'] = idleHours(values['idle-sleep']);
  const db = values['db-mode'];
  if (db !== undefined) {
    if (!(DB_MODES as readonly string[]).includes(db)) {
      throw new UsageError(
        `--db-mode: unknown mode ${JSON.stringify(db)}; use ${DB_MODES.join(', ')}`,
      );
    }
    patch['defaultDbMode'] = db;
  }
  if (values['max-memory'] !== undefined) patch['maxMemoryMb'] = memoryMb(values['max-memory']);
  if (values['max-cpus'] !== undefined) patch['maxCpus'] = number('--max-cpus', values['max-cpus']);
  if (values['max-pids'] !== undefined) patch['maxPids'] = whole('--max-pids', values['max-pids']);
  if (values['max-services'] !== undefined) {
    patch['maxServices'] = whole('--max-services', values['max-services']);
  }
  if (values['no-variables']) patch['allowedVariables'] = [];
  if (values['allow-variable']?.length) {
    const base = values['no-variables'] ? [] : current;
    patch['allowedVariables'] = [...new Set([...base, ...values['allow-variable']])];
  }
  if (values['no-build-secrets']) patch['buildSecrets'] = [];
  if (values['allow-build-secret']?.length) {
    const base = values['no-build-secrets'] ? [] : currentBuildSecrets;
    patch['buildSecrets'] = [...new Set([...base, ...values['allow-build-secret']])];
  }
  if (values.access !== undefined) patch['accessModes'] = accessModes(values.access);
  if (values['no-ip-allow']) patch['ipAllowlist'] = [];
  if (values['ip-allow']?.length) {
    const base = values['no-ip-allow'] ? [] : currentIpAllowlist;
    patch['ipAllowlist'] = [...new Set([...base, ...values['ip-allow'].map((c) => c.trim())])];
  }
  for (const flag of values.unset ?? []) {
    const field = Object.entries(FLAG_OF_FIELD).find(([, f]) => f === `--${flag}`)?.[0];
    if (
      !field ||
      [
        'enabled',
        'accessMode',
        'allowedVariables',
        'accessModes',
        'ipAllowlist',
        'forkSecrets',
        'buildSecrets',
        'ssoAllowedEmails',
        'ssoAllowedDomains',
        'ssoAllowedGroups',
      ].includes(field)
    ) {
      throw new UsageError(
        `--unset ${flag}: not a setting that can be unset; use one of compose-path, base-branch, ttl, idle-sleep, db-mode, max-memory, max-cpus, max-pids, max-services, slack-channel, sso-github-org, sso-github-team`,
      );
    }
    patch[field] = null;
  }
  if (Object.keys(patch).length === 0) {
    throw new UsageError('nothing to set: give at least one flag (see `berth repo set --help`)');
  }
  return patch as RepositorySettingsPatch;
}

/** `--access sso,ip,token` (any order), or `none` for cookies (share links) only. */
function accessModes(input: string): string[] {
  const text = input.trim().toLowerCase();
  if (text === 'none' || text === '') return [];
  const modes = text.split(',').map((mode) => mode.trim());
  const unknown = modes.filter(
    (mode) => !(PREVIEW_ACCESS_MODES as readonly string[]).includes(mode),
  );
  if (unknown.length) {
    throw new UsageError(
      `--access: unknown access mode ${JSON.stringify(unknown[0])}; use a comma list of ${PREVIEW_ACCESS_MODES.join(', ')} (or none; share links always work)`,
    );
  }
  return [...new Set(modes)];
}

function ttlHours(input: string, flag = '--ttl'): number {
  const value = /^\d+$/.test(input.trim()) ? `${input.trim()}h` : input;
  let ms: number;
  try {
    ms = parseTtl(value);
  } catch (error) {
    throw new UsageError(`${flag}: ${(error as Error).message}`);
  }
  if (ms % 3_600_000 !== 0) throw new UsageError(`${flag}: must be whole hours, such as 24h or 3d`);
  return ms / 3_600_000;
}

/** `--idle-sleep 4h` (or `4`, hours; `0` or `never`: never put its previews to sleep). */
function idleHours(input: string): number {
  const text = input.trim().toLowerCase();
  if (text === 'never' || text === '0' || text === '0h') return 0;
  const hours = ttlHours(text, '--idle-sleep');
  if (hours > IDLE_SLEEP_MAX_HOURS) {
    throw new UsageError(
      `--idle-sleep: at most ${IDLE_SLEEP_MAX_HOURS}h (14 days), or 0 for never`,
    );
  }
  return hours;
}

function memoryMb(input: string): number {
  const value = /^\d+$/.test(input.trim()) ? `${input.trim()}m` : input;
  let bytes: number;
  try {
    bytes = parseByteSize(value);
  } catch (error) {
    throw new UsageError(`--max-memory: ${(error as Error).message}; use e.g. 512m or 2g`);
  }
  const mb = bytes / 1024 ** 2;
  if (!Number.isInteger(mb) || mb <= 0) {
    throw new UsageError('--max-memory: must be a whole number of MiB or more, such as 512m or 2g');
  }
  return mb;
}

function number(flag: string, input: string): number {
  const value = Number(input);
  if (!Number.isFinite(value) || input.trim() === '') {
    throw new UsageError(`${flag}: ${JSON.stringify(input)} is not a number`);
  }
  return value;
}

function whole(flag: string, input: string): number {
  const value = number(flag, input);
  if (!Number.isInteger(value)) throw new UsageError(`${flag}: must be a whole number`);
  return value;
}
