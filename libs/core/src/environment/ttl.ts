// Time to live (issue 11 item 1, docs/decisions/0020-ttl-expiry.md). Pure: given what the state
// store knows of one environment, the operator's policy and the time, when it expires and what
// the sweep does now (nothing, warn, expire). The sweep and the command path both call this, the
// command path again under the row lock, so two workers never warn or expire twice.

import { isBaseEnvironment } from '../events/push-event.js';
import { TTL_DEFAULT_MS, TTL_MAX_MS } from '../labels/label-config.js';
import type { EnvironmentState } from './states.js';

const HOUR_MS = 3_600_000;

/** The operator's side of TTL (worker settings TTL_DEFAULT_HOURS, TTL_MAX_HOURS). */
export interface TtlPolicy {
  /** Berth's default when neither a `ttl:` label nor the repository's default says otherwise. */
  defaultMs: number;
  /** No label (and no default) gives a preview longer than this; extensions may go beyond it. */
  maxMs: number;
}

export const DEFAULT_TTL_POLICY: Readonly<TtlPolicy> = Object.freeze({
  defaultMs: TTL_DEFAULT_MS,
  maxMs: TTL_MAX_MS,
});

/** The warning goes out this long before expiry: min(1 h, 20 % of the TTL). */
export const TTL_WARN_LEAD_MAX_MS = HOUR_MS;
export const TTL_WARN_LEAD_SHARE = 0.2;
/** One `berth env extend` moves expiry by 1 minute to 14 days. */
export const TTL_EXTEND_MIN_MS = 60_000;
export const TTL_EXTEND_MAX_MS = TTL_MAX_MS;

/** What the state store knows of one environment, as numbers (ms since the epoch). */
export interface TtlFacts {
  prNumber: number;
  state: EnvironmentState;
  /** The pull request is closed (its teardown is the close's business, not the TTL's). */
  closed: boolean;
  createdAt: number;
  /** The current generation started (push, rebuild label, reopen, re-run); null: createdAt. */
  ttlStartedAt: number | null;
  /** The newest moment a generation became ready. */
  readyAt: number | null;
  /** What the PR's `ttl:` label asks for; null without one. */
  labelTtlMs: number | null;
  /** The repository's default (`berth repo set --ttl`), in hours; null: Berth's. */
  repositoryDefaultTtlHours: number | null;
  /** An operator's extension: the preview lives at least until then. */
  extendedUntil: number | null;
  /** The expiry the last warning announced (one warning per expiry). */
  warnedFor: number | null;
}

export type TtlSource = 'label' | 'repository' | 'default';

/** How long, from when, and until when. */
export interface TtlTerms {
  ttlMs: number;
  source: TtlSource;
  /** The label asked for more than the operator's maximum. */
  capped: boolean;
  /** The newest of: creation, the current generation's start, its readiness. */
  countsFrom: number;
  /** max(countsFrom + ttlMs, extendedUntil). */
  expiresAt: number;
  /** An extension (or a late warning's notice) is what holds expiry where it is. */
  extended: boolean;
  warnLeadMs: number;
  warnAt: number;
}

export type TtlVerdict =
  | { action: 'none'; reason: string; terms?: TtlTerms }
  /**
   * Warn now, announcing `expiresAt`. When the sweep first sees an environment already inside
   * its warning window or past expiry, `expiresAt` is postponed to give the full lead: nobody
   * loses a preview without a warning first. `extendedUntil` is then what to store.
   */
  | { action: 'warn'; terms: TtlTerms; expiresAt: number; extendedUntil?: number }
  | { action: 'expire'; terms: TtlTerms };

/** States in which an environment can expire: everything an open PR can be in, but skipped. */
const EXPIRABLE: ReadonlySet<EnvironmentState> = new Set([
  'pending',
  'held',
  'building',
  'provisioning',
  'ready',
  'failed',
]);

export function warnLeadMs(ttlMs: number): number {
  return Math.min(TTL_WARN_LEAD_MAX_MS, Math.round(ttlMs * TTL_WARN_LEAD_SHARE));
}

/** The TTL that applies and where it comes from: the label (capped), the repository, Berth. */
export function effectiveTtl(
  facts: Pick<TtlFacts, 'labelTtlMs' | 'repositoryDefaultTtlHours'>,
  policy: TtlPolicy,
): { ttlMs: number; source: TtlSource; capped: boolean } {
  if (facts.labelTtlMs !== null) {
    return {
      ttlMs: Math.min(facts.labelTtlMs, policy.maxMs),
      source: 'label',
      capped: facts.labelTtlMs > policy.maxMs,
    };
  }
  if (facts.repositoryDefaultTtlHours !== null) {
    return {
      ttlMs: Math.min(facts.repositoryDefaultTtlHours * HOUR_MS, policy.maxMs),
      source: 'repository',
      capped: false,
    };
  }
  return { ttlMs: Math.min(policy.defaultMs, policy.maxMs), source: 'default', capped: false };
}

/** When this environment expires, or undefined when it never does (the base environment). */
export function ttlTerms(facts: TtlFacts, policy: TtlPolicy): TtlTerms | undefined {
  if (isBaseEnvironment(facts)) return undefined;
  const { ttlMs, source, capped } = effectiveTtl(facts, policy);
  const countsFrom = Math.max(facts.createdAt, facts.ttlStartedAt ?? 0, facts.readyAt ?? 0);
  const natural = countsFrom + ttlMs;
  const extended = facts.extendedUntil !== null && facts.extendedUntil > natural;
  const expiresAt = extended ? (facts.extendedUntil as number) : natural;
  const lead = warnLeadMs(ttlMs);
  return {
    ttlMs,
    source,
    capped,
    countsFrom,
    expiresAt,
    extended,
    warnLeadMs: lead,
    warnAt: expiresAt - lead,
  };
}

/**
 * What the sweep does now. Warn once per expiry (`warnedFor` equals the expiry announced);
 * expire only an environment warned for exactly this expiry, once it has passed. A push, a
 * longer label or an extension moves expiry, so the old warning no longer counts.
 */
export function decideTtl(facts: TtlFacts, now: number, policy: TtlPolicy): TtlVerdict {
  if (isBaseEnvironment(facts)) {
    return { action: 'none', reason: 'the base environment never expires' };
  }
  const terms = ttlTerms(facts, policy) as TtlTerms;
  if (facts.closed) return { action: 'none', reason: 'the pull request is closed', terms };
  if (!EXPIRABLE.has(facts.state)) {
    return { action: 'none', reason: `the environment is ${facts.state}`, terms };
  }
  const warned = facts.warnedFor !== null && facts.warnedFor === terms.expiresAt;
  if (warned) {
    return now >= terms.expiresAt
      ? { action: 'expire', terms }
      : { action: 'none', reason: 'warned; not yet expired', terms };
  }
  if (now < terms.warnAt) return { action: 'none', reason: 'not yet due', terms };
  // A sweep runs every so often, so it lands somewhat after `warnAt`: at least half the lead
  // left is on time.
  if (terms.expiresAt - now >= Math.ceil(terms.warnLeadMs / 2)) {
    return { action: 'warn', terms, expiresAt: terms.expiresAt };
  }
  // Seen late (a worker was down, a shorter label just landed): the full notice, then expiry.
  const earliest = now + terms.warnLeadMs;
  return {
    action: 'warn',
    terms: { ...terms, expiresAt: earliest, extended: true, warnAt: now },
    expiresAt: earliest,
    extendedUntil: earliest,
  };
}

export type TtlExtension =
  | { ok: true; extendedUntil: number; expiresAt: number; previousExpiresAt: number }
  | { ok: false; reason: string };

/**
 * An operator's extension (`berth env extend … --by 24h`): expiry moves `byMs` past the later of
 * the current expiry and now. Not capped by the label maximum: it is the operator who asks.
 */
export function extendTtl(
  facts: TtlFacts,
  byMs: number,
  now: number,
  policy: TtlPolicy,
): TtlExtension {
  if (!Number.isSafeInteger(byMs) || byMs < TTL_EXTEND_MIN_MS || byMs > TTL_EXTEND_MAX_MS) {
    return { ok: false, reason: 'an extension is from 1m to 14d' };
  }
  if (isBaseEnvironment(facts)) {
    return { ok: false, reason: 'the base environment never expires' };
  }
  if (facts.closed) return { ok: false, reason: 'the pull request is closed' };
  if (!EXPIRABLE.has(facts.state)) {
    return {
      ok: false,
      reason: `the preview is ${facts.state}: push a commit (or change its labels) to bring it back`,
    };
  }
  const terms = ttlTerms(facts, policy) as TtlTerms;
  const extendedUntil = Math.max(terms.expiresAt, now) + byMs;
  return { ok: true, extendedUntil, expiresAt: extendedUntil, previousExpiresAt: terms.expiresAt };
}
