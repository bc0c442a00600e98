// Operator ceilings on what a preview's containers may use. A compose file may ask for less
// than the ceiling, never more: what it asks above is lowered to the ceiling (the preview still
// runs) and each lowering is reported, so the PR sees which service got less than it asked for.

/** Per-container limits as the replicate stage applies them (bytes, fractional CPUs, processes). */
export interface RuntimeLimits {
  memoryBytes: number;
  cpus: number;
  pids: number;
}

/** One repository's ceilings, resolved: the repository's own setting, else the operator default. */
export interface RuntimeCeilings extends RuntimeLimits {
  /** Services one environment may run. */
  maxServices: number;
}

/** The operator defaults (MAX_SERVICE_MEMORY_MB & co.) a repository without a setting gets. */
export interface RuntimeCeilingDefaults {
  maxMemoryMb: number;
  maxCpus: number;
  maxPids: number;
  maxServices: number;
}

const MIB = 1024 * 1024;

/** The repository's setting where it has one, else the operator's default, field by field. */
export function runtimeCeilings(
  repository: { maxMemoryMb?: number; maxCpus?: number; maxPids?: number; maxServices?: number },
  defaults: RuntimeCeilingDefaults,
): RuntimeCeilings {
  return {
    memoryBytes: (repository.maxMemoryMb ?? defaults.maxMemoryMb) * MIB,
    cpus: repository.maxCpus ?? defaults.maxCpus,
    pids: repository.maxPids ?? defaults.maxPids,
    maxServices: repository.maxServices ?? defaults.maxServices,
  };
}

export type LimitName = keyof RuntimeLimits;

/** A limit the compose file asked for above the ceiling, and what the container got instead. */
export interface LimitClamp {
  service: string;
  limit: LimitName;
  requested: number;
  applied: number;
}

/**
 * The limits one container runs with: `requested` (the compose file's) over `defaults` (the
 * driver's), each capped by its ceiling. Only values the compose file asked for are reported
 * as clamped; a default above a low ceiling is lowered silently (the PR asked for nothing).
 */
export function clampLimits(
  service: string,
  requested: Partial<RuntimeLimits>,
  defaults: RuntimeLimits,
  ceilings: RuntimeLimits,
): { limits: RuntimeLimits; clamps: LimitClamp[] } {
  const clamps: LimitClamp[] = [];
  const pick = (limit: LimitName): number => {
    const asked = requested[limit];
    const ceiling = ceilings[limit];
    if (asked === undefined) return Math.min(defaults[limit], ceiling);
    if (asked <= ceiling) return asked;
    clamps.push({ service, limit, requested: asked, applied: ceiling });
    return ceiling;
  };
  return {
    limits: { memoryBytes: pick('memoryBytes'), cpus: pick('cpus'), pids: pick('pids') },
    clamps,
  };
}

/** The repository setting that raises each limit, as `berth repo set` spells it. */
const FLAG: Record<LimitName, string> = {
  memoryBytes: '--max-memory',
  cpus: '--max-cpus',
  pids: '--max-pids',
};

const NOUN: Record<LimitName, string> = { memoryBytes: 'memory', cpus: 'cpus', pids: 'pids' };

function show(limit: LimitName, value: number): string {
  if (limit !== 'memoryBytes') return String(value);
  const mib = value / MIB;
  return mib >= 1024 && mib % 1024 === 0 ? `${mib / 1024}g` : `${Math.round(mib * 100) / 100}m`;
}

/** `services.api: memory clamped from 200g to 4g (the repository's ceiling; berth repo set … --max-memory)`. */
export function describeClamp(clamp: LimitClamp): string {
  return (
    `services.${clamp.service}: ${NOUN[clamp.limit]} clamped from ${show(clamp.limit, clamp.requested)} ` +
    `to ${show(clamp.limit, clamp.applied)} (the repository's ceiling; an operator raises it with ` +
    `\`berth repo set <owner/name> ${FLAG[clamp.limit]} …\`)`
  );
}

/**
 * The refusal of a compose file with more services than the repository allows, or undefined.
 * Permanent: the same file is refused the same way until it changes or the operator raises it.
 */
export function serviceCountProblem(
  count: number,
  maxServices: number,
  repository: string,
): { path: string; message: string } | undefined {
  if (count <= maxServices) return undefined;
  return {
    path: 'services',
    message:
      `${count} services, but this repository may run at most ${maxServices} per preview; ` +
      `remove services (or move some behind profiles), or an operator raises the limit with ` +
      `\`berth repo set ${repository} --max-services ${count}\``,
  };
}
