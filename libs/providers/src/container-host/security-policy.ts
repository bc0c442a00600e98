// Berth's container security floor (DESIGN.md, "Security defaults"). Pure: the driver applies it
// to every container, whatever the caller passed.

import { CAPABILITY_ALLOWLIST } from '@berth/core';
import { ContainerSpecError } from './container-host.errors.js';
import { type ResourceLimits } from './container-host.port.js';

// The allowlist lives in core beside the compose validator that enforces it on `cap_add`: one
// list, so the driver never refuses what validation accepted (nor grants what it refused).
export { CAPABILITY_ALLOWLIST };

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
