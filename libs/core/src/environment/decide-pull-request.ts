import type { PullRequestEvent } from '../events/pull-request-event.js';
import {
  configChanged,
  DEFAULT_CONFIG,
  type LabelProblem,
  parseLabels,
  type PreviewConfig,
} from '../labels/index.js';
import { approvalState, startGate } from './approval.js';
import { INITIAL_GENERATION, nextGeneration } from './generation.js';
import { type EnvironmentState, mayHoldResources, type StartGate } from './states.js';
import { type EnvironmentEvent, transition } from './transition.js';

/** The environment row as the trigger sees it, under its row lock. */
export interface EnvironmentSnapshot {
  state: EnvironmentState;
  /** 0 for a row this delivery just inserted (nothing decided yet). */
  generation: number;
  headSha: string;
  config: PreviewConfig;
  approvedSha: string | null;
  /** The PR is closed as far as Berth knows (closedAt set). */
  closed: boolean;
  /** The newest `pull_request.updated_at` applied (ms), null before the first. */
  prUpdatedAt: number | null;
  /**
   * Its TTL ran out and it was torn down while the PR stayed open (decision 0020): a push or a
   * change to Berth's labels brings it back.
   */
  expired?: boolean;
}

/** What the caller learned from GitHub before deciding (the decision itself stays pure). */
export interface DecisionFacts {
  /**
   * For `labeled preview:approved`: the sender has write access to the repository (asked of
   * GitHub). Anything but `true` approves nothing: adding a label needs only triage rights.
   */
  senderCanApprove?: boolean;
}

export interface LabelNote extends LabelProblem {
  kind: 'problem' | 'unsupported';
}

export type TriggerJob =
  { kind: 'stage'; stage: 'build' | 'teardown' } | { kind: 'notify'; reason: 'held' | 'skipped' };

export interface EnvironmentUpdate {
  state: EnvironmentState;
  generation: number;
  headSha: string;
  branch: string;
  baseBranch: string;
  isFork: boolean;
  approvedSha: string | null;
  config: PreviewConfig;
  labelNotes: LabelNote[];
  /** `closed`: the PR closed now; `reopened`: clear the close; `keep`: leave as is. */
  closure: 'closed' | 'reopened' | 'keep';
  /** The sticky comment belongs to an earlier incarnation of this PR number: start a new one. */
  forgetComment?: true;
  /** The newest `pull_request.updated_at` applied, this event's included. */
  prUpdatedAt: number;
  /** What the `ttl:` label asks for; null without one (the repository's default applies). */
  ttlLabelMs: number | null;
}

export type TriggerDecision =
  | { outcome: 'ignored'; detail: string }
  | {
      outcome: 'processed';
      detail: string;
      update: EnvironmentUpdate;
      /** Create the Revision for `update.generation` (a new generation started). */
      newRevision: boolean;
      /** Jobs for `update.generation`, enqueued after the transaction commits. */
      jobs: TriggerJob[];
    };

const APPROVAL_LABEL = 'preview:approved';
const BERTH_LABEL = /^(preview|db|ttl):/i;
const isApprovalLabel = (label: string | undefined) =>
  label?.trim().toLowerCase() === APPROVAL_LABEL;

/**
 * What an environment of this gate needs queued for its generation. `revoked`: a maintainer took
 * the approval back, so what runs the fork's code stops now (teardown), not at the next push.
 */
function jobsFor(gate: StartGate, previous: EnvironmentState, revoked = false): TriggerJob[] {
  if (gate === 'proceed') return [{ kind: 'stage', stage: 'build' }];
  if (gate === 'hold') {
    return [
      ...(revoked && mayHoldResources(previous) && previous !== 'held'
        ? [{ kind: 'stage' as const, stage: 'teardown' as const }]
        : []),
      { kind: 'notify', reason: 'held' },
    ];
  }
  // Skip: tear down whatever an earlier generation may have left (its own teardown, if still
  // queued, is superseded by this generation), then tell the PR.
  return [
    ...(mayHoldResources(previous) ? [{ kind: 'stage' as const, stage: 'teardown' as const }] : []),
    { kind: 'notify', reason: 'skipped' },
  ];
}

/**
 * The whole stage-1 decision for one `pull_request` delivery, pure: given the environment under
 * its row lock and the event, the new row, whether a new generation (Revision) starts, and the
 * jobs to enqueue. Rules (DESIGN.md "The spine"):
 * - a new head SHA (opened/reopened/synchronize) or a build-relevant label change bumps the
 *   generation; a reopen after close bumps; a close bumps (so every older run stops) and tears down;
 * - after a close only `reopened` (or `opened`: an identity reused) acts; anything else is late;
 * - `labeled`/`unlabeled`/`edited` never move the head SHA (a late delivery must not roll it back);
 * - `edited` updates the base branch only: the preview runs the head commit, which did not change,
 *   so a base change does not bump (GitHub sends `synchronize` when the head changes);
 * - a fork's approval is the head SHA at the time a maintainer added `preview:approved` (adding a
 *   label needs triage rights on the base repository, which is what makes the sender a
 *   maintainer); removing the label revokes it; a new head is held again.
 */
export function decide(
  current: EnvironmentSnapshot,
  event: PullRequestEvent,
  facts: DecisionFacts = {},
): TriggerDecision {
  const parsed = parseLabels(event.labels);
  const labelNotes: LabelNote[] = [
    ...parsed.problems.map((p) => ({ ...p, kind: 'problem' as const })),
    ...parsed.unsupported.map((p) => ({ ...p, kind: 'unsupported' as const })),
  ];
  const config = parsed.config;
  const fresh = current.generation === 0;

  let approvedSha = current.approvedSha;
  let revoked = false;
  if (event.isFork && event.action === 'labeled' && isApprovalLabel(event.label)) {
    if (facts.senderCanApprove === true) {
      approvedSha = event.headSha;
    } else {
      labelNotes.push({
        label: APPROVAL_LABEL,
        message: `added by @${event.sender}, who has no write access to the repository: it approves nothing (a maintainer with write access must add it)`,
        kind: 'problem',
      });
    }
  } else if (event.action === 'unlabeled' && isApprovalLabel(event.label)) {
    revoked = current.approvedSha !== null;
    approvedSha = null;
  }
  if (!event.isFork) {
    approvedSha = null;
    revoked = false;
  }

  const base = {
    prUpdatedAt: Math.max(current.prUpdatedAt ?? 0, event.updatedAt),
    branch: event.branch,
    baseBranch: event.baseBranch,
    isFork: event.isFork,
    approvedSha,
    config,
    labelNotes,
    ttlLabelMs: parsed.ttlFromLabel ? config.ttlMs : null,
  };
  const gateFor = (headSha: string): StartGate =>
    startGate({
      skip: config.skip,
      approval: approvalState({ fork: event.isFork, headSha, approvedSha }),
    });

  // First sight of this PR (usually `opened`; any other action if Berth missed it).
  if (fresh) {
    if (event.action === 'closed') return { outcome: 'ignored', detail: 'no environment to close' };
    const gate = gateFor(event.headSha);
    const result = transition('pending', { type: 'opened', gate });
    if (!result.ok) return { outcome: 'ignored', detail: result.error.message };
    return {
      outcome: 'processed',
      detail: `generation ${INITIAL_GENERATION}: ${gate}`,
      update: {
        ...base,
        state: result.state,
        generation: nextGeneration(0, {
          headShaChanged: true,
          configChanged: false,
          reopened: false,
        }),
        headSha: event.headSha,
        closure: 'keep',
      },
      newRevision: true,
      jobs: jobsFor(gate, 'pending'),
    };
  }

  if (event.action === 'closed') {
    if (current.closed) return { outcome: 'ignored', detail: 'already closed' };
    const result = transition(current.state, { type: 'closed' });
    if (!result.ok) return { outcome: 'ignored', detail: result.error.message };
    const generation = current.generation + 1;
    return {
      outcome: 'processed',
      detail: `generation ${generation}: ${event.merged ? 'merged' : 'closed'}, tearing down`,
      update: {
        ...base,
        state: result.state,
        generation,
        headSha: current.headSha,
        closure: 'closed',
      },
      newRevision: true,
      jobs: [{ kind: 'stage', stage: 'teardown' }],
    };
  }

  if (current.closed) {
    // GitHub never sends `opened` twice for one PR: after a close it means the identity
    // (repository id + number) was reused — a re-created test repository, an emulator restarted
    // against the same database. Start over like a reopen, with a new sticky comment.
    const reused = event.action === 'opened';
    if (event.action !== 'reopened' && !reused) {
      return { outcome: 'ignored', detail: `${event.action} for a closed pull request` };
    }
    const gate = gateFor(event.headSha);
    const result = transition(current.state, { type: 'reopened', gate });
    if (!result.ok) return { outcome: 'ignored', detail: result.error.message };
    const generation = nextGeneration(current.generation, {
      headShaChanged: event.headSha !== current.headSha,
      configChanged: false,
      reopened: true,
    });
    return {
      outcome: 'processed',
      detail: `generation ${generation}: ${reused ? 'opened again' : 'reopened'}, ${gate}`,
      update: {
        ...base,
        state: result.state,
        generation,
        headSha: event.headSha,
        closure: 'reopened',
        ...(reused ? { forgetComment: true as const } : {}),
      },
      newRevision: true,
      jobs: jobsFor(gate, current.state),
    };
  }

  // An open pull request Berth already knows.
  const movesHead =
    event.action === 'opened' || event.action === 'reopened' || event.action === 'synchronize';
  const headSha = movesHead ? event.headSha : current.headSha;
  const headShaChanged = headSha !== current.headSha;
  // An expired preview comes back on a push or on any change to Berth's labels (decision 0020).
  const revived =
    current.expired === true &&
    (current.state === 'destroyed' || current.state === 'destroying') &&
    (event.action === 'labeled' || event.action === 'unlabeled') &&
    BERTH_LABEL.test(event.label?.trim() ?? '');
  const labelsBump = configChanged(current.config, config) || revived;
  const generation = nextGeneration(current.generation, {
    headShaChanged,
    configChanged: labelsBump,
    reopened: false,
  });

  if (generation !== current.generation) {
    const gate = gateFor(headSha);
    // A skipped environment whose teardown already ran is `destroyed` while the PR is open:
    // starting it again is the machine's `reopened` edge.
    const type: EnvironmentEvent['type'] =
      current.state === 'destroyed' || current.state === 'destroying'
        ? 'reopened'
        : headShaChanged
          ? 'synchronize'
          : 'config_changed';
    const result = transition(current.state, { type, gate } as EnvironmentEvent);
    if (!result.ok) return { outcome: 'ignored', detail: result.error.message };
    const why = headShaChanged
      ? `new head ${headSha.slice(0, 7)}`
      : revived
        ? 'labels changed after expiry'
        : 'labels changed';
    return {
      outcome: 'processed',
      detail: `generation ${generation}: ${why}, ${gate}`,
      update: { ...base, state: result.state, generation, headSha, closure: 'keep' },
      newRevision: true,
      jobs: jobsFor(gate, current.state),
    };
  }

  // The approval of a fork that is running (or on its way) was taken back: stop it now.
  if (revoked && current.state !== 'held' && mayHoldResources(current.state)) {
    const next = current.generation + 1;
    const result = transition(current.state, { type: 'config_changed', gate: 'hold' });
    if (!result.ok) return { outcome: 'ignored', detail: result.error.message };
    return {
      outcome: 'processed',
      detail: `generation ${next}: approval revoked, stopping`,
      update: { ...base, state: result.state, generation: next, headSha, closure: 'keep' },
      newRevision: true,
      jobs: jobsFor('hold', current.state, true),
    };
  }

  // Same generation: an approval of the held head, or bookkeeping (TTL, notes, base branch).
  const approval = approvalState({ fork: event.isFork, headSha, approvedSha });
  if (current.state === 'held' && approval.state !== 'held' && !config.skip) {
    const result = transition(current.state, { type: 'approved' });
    if (!result.ok) return { outcome: 'ignored', detail: result.error.message };
    return {
      outcome: 'processed',
      detail: `generation ${generation}: approved ${headSha.slice(0, 7)}`,
      update: { ...base, state: result.state, generation, headSha, closure: 'keep' },
      newRevision: false,
      jobs: [{ kind: 'stage', stage: 'build' }],
    };
  }
  return {
    outcome: 'processed',
    detail: `generation ${generation}: no new generation`,
    update: { ...base, state: current.state, generation, headSha, closure: 'keep' },
    newRevision: false,
    jobs: [],
  };
}

/**
 * The jobs an environment in `state` needs for its current generation, re-derived from the row:
 * used when a delivery committed but its enqueue failed, and GitHub redelivers it. Deterministic
 * job ids make enqueueing them again harmless.
 */
export function jobsForState(state: EnvironmentState): TriggerJob[] {
  switch (state) {
    case 'building':
      return [{ kind: 'stage', stage: 'build' }];
    case 'held':
      return [{ kind: 'notify', reason: 'held' }];
    case 'skipped':
      return [
        { kind: 'stage', stage: 'teardown' },
        { kind: 'notify', reason: 'skipped' },
      ];
    case 'destroying':
      return [{ kind: 'stage', stage: 'teardown' }];
    default:
      return [];
  }
}

/** Reads the stored `config` JSON back, falling back to defaults for anything missing. */
export function storedConfig(value: unknown): PreviewConfig {
  const stored = value && typeof value === 'object' ? (value as Partial<PreviewConfig>) : {};
  return { ...DEFAULT_CONFIG, ...stored };
}
