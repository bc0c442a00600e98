import { describe, expect, it } from 'vitest';
import {
  ENVIRONMENT_STATES,
  type EnvironmentState,
  PIPELINE_STAGES,
  isTerminal,
  mayHoldResources,
  nextStage,
} from './states.js';
import { type EnvironmentEvent, transition } from './transition.js';

const ALL_EVENTS: EnvironmentEvent[] = [
  ...(['proceed', 'hold', 'skip'] as const).flatMap((gate) => [
    { type: 'opened' as const, gate },
    { type: 'synchronize' as const, gate },
    { type: 'reopened' as const, gate },
    { type: 'config_changed' as const, gate },
  ]),
  { type: 'approved' },
  { type: 'stage_started', stage: 'teardown' },
  ...PIPELINE_STAGES.flatMap((stage) => [
    { type: 'stage_started' as const, stage },
    { type: 'stage_succeeded' as const, stage },
    { type: 'stage_failed' as const, stage },
  ]),
  { type: 'closed' },
  { type: 'expired' },
  { type: 'destroyed' },
];

function next(state: EnvironmentState, ...events: EnvironmentEvent[]): EnvironmentState {
  let current = state;
  for (const event of events) {
    const result = transition(current, event);
    if (!result.ok) throw new Error(result.error.message);
    current = result.state;
  }
  return current;
}

describe('transition', () => {
  it('starts a stage only while the generation is live; teardown from anywhere', () => {
    expect(next('failed', { type: 'stage_started', stage: 'build' })).toBe('building');
    expect(next('building', { type: 'stage_started', stage: 'wire' })).toBe('provisioning');
    expect(next('ready', { type: 'stage_started', stage: 'replicate' })).toBe('provisioning');
    for (const state of ['held', 'skipped', 'destroying', 'destroyed', 'pending'] as const) {
      expect(transition(state, { type: 'stage_started', stage: 'build' }).ok).toBe(false);
    }
    expect(next('skipped', { type: 'stage_started', stage: 'teardown' })).toBe('destroying');
    // A revoked fork approval: its resources go, it stays held for the next approval.
    expect(next('held', { type: 'stage_started', stage: 'teardown' }, { type: 'destroyed' })).toBe(
      'held',
    );
  });

  it('is total: every state × event gives a state or a typed error, never a throw', () => {
    for (const state of ENVIRONMENT_STATES) {
      for (const event of ALL_EVENTS) {
        const result = transition(state, event);
        if (result.ok) expect(ENVIRONMENT_STATES).toContain(result.state);
        else {
          expect(['invalid_transition', 'unexpected_stage']).toContain(result.error.code);
          expect(result.error.message).toContain(event.type);
          expect(result.error.state).toBe(state);
        }
      }
    }
  });

  it('walks the happy path: opened → building → provisioning → ready', () => {
    let state = next('pending', { type: 'opened', gate: 'proceed' });
    expect(state).toBe('building');
    state = next(state, { type: 'stage_succeeded', stage: 'build' });
    expect(state).toBe('provisioning');
    state = next(
      state,
      { type: 'stage_succeeded', stage: 'replicate' },
      { type: 'stage_succeeded', stage: 'wire' },
    );
    expect(state).toBe('provisioning');
    state = next(state, { type: 'stage_succeeded', stage: 'expose' });
    expect(state).toBe('ready');
    state = next(state, { type: 'closed' }, { type: 'destroyed' });
    expect(state).toBe('destroyed');
  });

  it('holds a fork until approved', () => {
    const held = next('pending', { type: 'opened', gate: 'hold' });
    expect(held).toBe('held');
    expect(next(held, { type: 'approved' })).toBe('building');
    // A new push to the fork is held again.
    const ready = 'ready';
    expect(next(ready, { type: 'synchronize', gate: 'hold' })).toBe('held');
  });

  it('a skipped PR starts building when the skip label goes', () => {
    const skipped = next('ready', { type: 'config_changed', gate: 'skip' });
    expect(skipped).toBe('skipped');
    expect(next(skipped, { type: 'config_changed', gate: 'proceed' })).toBe('building');
  });

  it('a new push restarts from any open state, including mid-build and failed', () => {
    for (const state of ['building', 'provisioning', 'ready', 'failed', 'held'] as const) {
      expect(next(state, { type: 'synchronize', gate: 'proceed' })).toBe('building');
    }
  });

  it('failure of the running stage fails the environment; a push retries', () => {
    expect(next('building', { type: 'stage_failed', stage: 'build' })).toBe('failed');
    expect(next('provisioning', { type: 'stage_failed', stage: 'wire' })).toBe('failed');
    expect(next('failed', { type: 'synchronize', gate: 'proceed' })).toBe('building');
  });

  it('reports stages that are not running', () => {
    for (const [state, event] of [
      ['ready', { type: 'stage_succeeded', stage: 'build' }],
      ['building', { type: 'stage_succeeded', stage: 'expose' }],
      ['provisioning', { type: 'stage_failed', stage: 'build' }],
      ['destroyed', { type: 'stage_failed', stage: 'wire' }],
    ] as const) {
      const result = transition(state, event);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('unexpected_stage');
    }
  });

  it('treats duplicates as no-ops', () => {
    expect(transition('ready', { type: 'opened', gate: 'proceed' })).toEqual({
      ok: true,
      state: 'ready',
      changed: false,
    });
    expect(transition('building', { type: 'approved' })).toEqual({
      ok: true,
      state: 'building',
      changed: false,
    });
    expect(transition('destroying', { type: 'closed' })).toEqual({
      ok: true,
      state: 'destroying',
      changed: false,
    });
    expect(transition('destroyed', { type: 'closed' })).toEqual({
      ok: true,
      state: 'destroyed',
      changed: false,
    });
    expect(transition('destroyed', { type: 'destroyed' })).toEqual({
      ok: true,
      state: 'destroyed',
      changed: false,
    });
    expect(transition('ready', { type: 'reopened', gate: 'proceed' })).toEqual({
      ok: true,
      state: 'ready',
      changed: false,
    });
  });

  it('closed wins from every open state', () => {
    for (const state of ENVIRONMENT_STATES) {
      const result = transition(state, { type: 'closed' });
      expect(result.ok && ['destroying', 'destroyed'].includes(result.state)).toBe(true);
    }
  });

  it('expired tears down every open state but skipped, and is a no-op on the way out', () => {
    for (const state of [
      'pending',
      'held',
      'building',
      'provisioning',
      'ready',
      'failed',
    ] as const) {
      expect(transition(state, { type: 'expired' })).toEqual({
        ok: true,
        state: 'destroying',
        changed: true,
      });
    }
    for (const state of ['skipped', 'destroying', 'destroyed'] as const) {
      expect(transition(state, { type: 'expired' })).toEqual({ ok: true, state, changed: false });
    }
    // An expired preview comes back like a skipped one whose teardown ran: the reopen edge.
    expect(next('ready', { type: 'expired' }, { type: 'destroyed' })).toBe('destroyed');
    expect(next('destroyed', { type: 'reopened', gate: 'proceed' })).toBe('building');
  });

  it('rejects pushes and labels after close, but allows reopening', () => {
    for (const state of ['destroying', 'destroyed'] as const) {
      expect(transition(state, { type: 'synchronize', gate: 'proceed' }).ok).toBe(false);
      expect(transition(state, { type: 'config_changed', gate: 'proceed' }).ok).toBe(false);
      expect(transition(state, { type: 'opened', gate: 'proceed' }).ok).toBe(false);
      expect(next(state, { type: 'reopened', gate: 'proceed' })).toBe('building');
      expect(next(state, { type: 'reopened', gate: 'hold' })).toBe('held');
    }
  });

  it('a late `destroyed` after a reopen does not kill the live environment', () => {
    const reopened = next('destroying', { type: 'reopened', gate: 'proceed' });
    const result = transition(reopened, { type: 'destroyed' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('invalid_transition');
  });

  it('only destroyed is terminal; it is left by reopening, or by a teardown re-run for leftovers', () => {
    expect(ENVIRONMENT_STATES.filter(isTerminal)).toEqual(['destroyed']);
    for (const event of ALL_EVENTS) {
      const result = transition('destroyed', event);
      if (result.ok && result.changed) {
        expect(
          event.type === 'reopened' ||
            (event.type === 'stage_started' && event.stage === 'teardown'),
        ).toBe(true);
      }
    }
  });

  it('approval only releases held environments', () => {
    for (const state of ['pending', 'skipped', 'failed', 'destroying', 'destroyed'] as const) {
      expect(transition(state, { type: 'approved' }).ok).toBe(false);
    }
  });
});

describe('states helpers', () => {
  it('nextStage walks the pipeline', () => {
    expect(nextStage('build')).toBe('wire');
    expect(nextStage('wire')).toBe('replicate');
    expect(nextStage('replicate')).toBe('expose');
    expect(nextStage('expose')).toBeUndefined();
  });

  it('mayHoldResources is false only before anything ran and after teardown', () => {
    expect(ENVIRONMENT_STATES.filter((s) => !mayHoldResources(s))).toEqual([
      'pending',
      'destroyed',
    ]);
  });
});
