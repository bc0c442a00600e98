import { type EnvironmentState, type PipelineStage, type StartGate, nextStage } from './states.js';

/**
 * Events, named after what happened. The four that start a new generation carry its `gate`
 * (see `startGate`), so the machine stays pure: the caller has already read labels and approval.
 */
export type EnvironmentEvent =
  | { type: 'opened'; gate: StartGate }
  | { type: 'synchronize'; gate: StartGate }
  | { type: 'reopened'; gate: StartGate }
  /** Labels changed in a way `configChanged` says needs a new generation. */
  | { type: 'config_changed'; gate: StartGate }
  /** A maintainer approved the current head of a held fork PR. */
  | { type: 'approved' }
  /** A worker took the stage lease and starts `stage` for the current generation. */
  | { type: 'stage_started'; stage: PipelineStage | 'teardown' }
  | { type: 'stage_succeeded'; stage: PipelineStage }
  | { type: 'stage_failed'; stage: PipelineStage }
  | { type: 'closed' }
  /** The TTL ran out (decision 0020): torn down like a close, while the PR stays open. */
  | { type: 'expired' }
  /** Teardown removed everything in the ledger. */
  | { type: 'destroyed' };

export type TransitionErrorCode =
  /** The event cannot apply in this state (e.g. `synchronize` after `closed`): ignore it, log it. */
  | 'invalid_transition'
  /** A stage reported for a state that is not running it (e.g. late `build` success while ready). */
  | 'unexpected_stage';

export interface TransitionError {
  code: TransitionErrorCode;
  state: EnvironmentState;
  event: EnvironmentEvent['type'];
  message: string;
}

export type TransitionResult =
  { ok: true; state: EnvironmentState; changed: boolean } | { ok: false; error: TransitionError };

const GATE_STATE: Record<StartGate, EnvironmentState> = {
  proceed: 'building',
  hold: 'held',
  skip: 'skipped',
};

/** States of an open PR (anything but the close path). */
const OPEN: ReadonlySet<EnvironmentState> = new Set([
  'pending',
  'held',
  'skipped',
  'building',
  'provisioning',
  'ready',
  'failed',
]);

/** States in which a generation's pipeline stages may (re-)run. */
const LIVE: ReadonlySet<EnvironmentState> = new Set([
  'building',
  'provisioning',
  'ready',
  'failed',
]);

function ok(from: EnvironmentState, to: EnvironmentState): TransitionResult {
  return { ok: true, state: to, changed: from !== to };
}

function fail(
  code: TransitionErrorCode,
  state: EnvironmentState,
  event: EnvironmentEvent,
  why: string,
): TransitionResult {
  return {
    ok: false,
    error: { code, state, event: event.type, message: `${event.type} in state ${state}: ${why}` },
  };
}

/**
 * The next state, or a typed error; never throws for a well-typed input. Duplicates are no-ops
 * (`changed: false`): `closed` twice, `opened` for an environment that already exists,
 * `approved` while already building.
 */
export function transition(state: EnvironmentState, event: EnvironmentEvent): TransitionResult {
  switch (event.type) {
    case 'opened':
      if (state === 'pending') return ok(state, GATE_STATE[event.gate]);
      if (OPEN.has(state)) return ok(state, state);
      return fail(
        'invalid_transition',
        state,
        event,
        'the pull request was closed; expected `reopened`',
      );

    case 'synchronize':
    case 'config_changed':
      if (OPEN.has(state)) return ok(state, GATE_STATE[event.gate]);
      return fail('invalid_transition', state, event, 'the pull request is closed');

    case 'reopened':
      // From destroying too: the stage lease serialises the new build after the running teardown.
      if (state === 'destroyed' || state === 'destroying' || state === 'pending') {
        return ok(state, GATE_STATE[event.gate]);
      }
      return ok(state, state);

    case 'approved':
      if (state === 'held') return ok(state, 'building');
      if (state === 'building' || state === 'provisioning' || state === 'ready')
        return ok(state, state);
      return fail('invalid_transition', state, event, 'only a held environment can be approved');

    case 'stage_started': {
      if (event.stage === 'teardown') return ok(state, state === 'held' ? 'held' : 'destroying');
      if (!LIVE.has(state)) {
        return fail('invalid_transition', state, event, 'the environment is not provisioning');
      }
      return ok(state, event.stage === 'build' ? 'building' : 'provisioning');
    }

    case 'stage_succeeded': {
      if (event.stage === 'build' && state === 'building') return ok(state, 'provisioning');
      if (event.stage !== 'build' && state === 'provisioning') {
        return ok(state, nextStage(event.stage) === undefined ? 'ready' : 'provisioning');
      }
      return fail('unexpected_stage', state, event, `stage ${event.stage} is not running`);
    }

    case 'stage_failed':
      if (
        (event.stage === 'build' && state === 'building') ||
        (event.stage !== 'build' && state === 'provisioning')
      ) {
        return ok(state, 'failed');
      }
      return fail('unexpected_stage', state, event, `stage ${event.stage} is not running`);

    case 'closed':
      if (state === 'destroyed') return ok(state, state);
      return ok(state, 'destroying');

    case 'expired':
      // Already on its way out (closed, skipped) or gone: nothing more to do.
      if (state === 'destroyed' || state === 'destroying' || state === 'skipped') {
        return ok(state, state);
      }
      return ok(state, 'destroying');

    case 'destroyed':
      if (state === 'destroying' || state === 'destroyed') return ok(state, 'destroyed');
      // A fork whose approval was revoked: its resources are gone, it waits for a new approval.
      if (state === 'held') return ok(state, 'held');
      return fail(
        'invalid_transition',
        state,
        event,
        'teardown finished but the environment is live again (reopened)',
      );
  }
}
