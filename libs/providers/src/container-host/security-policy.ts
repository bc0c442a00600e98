// Berth's container security floor (DESIGN.md, "Security defaults"). Pure: the driver applies it
// to every container, whatever the caller passed.

import { ContainerSpecError } from './container-host.errors.js';
import { type ResourceLimits } from './container-host.port.js';

/**
 * Capabilities a preview may add back after CapDrop ALL: what official database/cache images
 * need to chown their data dir and drop to an unprivileged user, plus binding ports < 1024.
 * Notably absent: NET_RAW, NET_ADMIN, SYS_ADMIN, SYS_PTRACE, MKNOD.
 */
export const CAPABILITY_ALLOWLIST: readonly string[] = [
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'NET_BIND_SERVICE',
  'SETGID',
  'SETUID',
];

export const DEFAULT_LIMITS: Required<ResourceLimits> = {
  memoryBytes: 512 * 1024 * 1024,
  cpus: 1,
  pids: 512,
};

export const NO_NEW_PRIVILEGES = 'no-new-privileges:true';

/** `cap_chown`, `CAP_CHOWN` and `chown` all mean CHOWN; anything off the allowlist is refused. */
export function allowedCapabilities(
  requested: readonly string[] | undefined,
  allowlist: readonly string[] = CAPABILITY_ALLOWLIST,
): string[] {
  const caps = new Set<string>();
  for (const raw of requested ?? []) {
    const cap = raw.trim().toUpperCase().replace(/^CAP_/, '');
    if (!allowlist.includes(cap)) {
      throw new ContainerSpecError(
        'capAdd',
        `capability ${JSON.stringify(raw)} is not allowed in previews; allowed: ${allowlist.join(', ')}`,
      );
    }
    caps.add(cap);
  }
  return [...caps].sort();
}

/** Caller's limits over the defaults; every field ends up set and positive. */
export function effectiveLimits(
  requested: ResourceLimits | undefined,
  defaults: Required<ResourceLimits> = DEFAULT_LIMITS,
): Required<ResourceLimits> {
  const limits = { ...defaults, ...stripUndefined(requested ?? {}) };
  for (const [field, value] of Object.entries(limits)) {
    if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      throw new ContainerSpecError(`limits.${field}`, `must be a positive number, got ${value}`);
    }
  }
  return limits;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
