import { type StartGate } from './states.js';

export type ApprovalState =
  { state: 'not-required' } | { state: 'approved' } | { state: 'held'; reason: string };

export interface ApprovalInput {
  /** The PR's head repository differs from the base repository. */
  fork: boolean;
  headSha: string;
  /** The head SHA the maintainer's `preview:approved` was given for, if any. */
  approvedSha?: string | null;
}

const SHA = /^([a-f0-9]{40}|[a-f0-9]{64})$/;

function normalizeSha(sha: string, field: string): string {
  const value = sha.trim().toLowerCase();
  if (!SHA.test(value))
    throw new Error(`${field} \`${sha}\` is not a full 40- or 64-hex commit SHA`);
  return value;
}

/**
 * Fork PRs are not built or given secrets until a maintainer approves *that* head SHA: an
 * approval pins the commit it was given for, so a later push to the fork is held again.
 */
export function approvalState(input: ApprovalInput): ApprovalState {
  const head = normalizeSha(input.headSha, 'headSha');
  if (!input.fork) return { state: 'not-required' };
  if (input.approvedSha == null || input.approvedSha === '') {
    return {
      state: 'held',
      reason:
        'this pull request comes from a fork: a maintainer must add the `preview:approved` label before Berth builds it or gives it secrets',
    };
  }
  const approved = normalizeSha(input.approvedSha, 'approvedSha');
  if (approved !== head) {
    return {
      state: 'held',
      reason: `the approval was given for ${approved.slice(0, 7)}, not the new head ${head.slice(0, 7)}: a maintainer must re-apply \`preview:approved\``,
    };
  }
  return { state: 'approved' };
}

/** Combines `preview:skip` and the fork approval into how a new generation starts. */
export function startGate(input: { skip: boolean; approval: ApprovalState }): StartGate {
  if (input.skip) return 'skip';
  return input.approval.state === 'held' ? 'hold' : 'proceed';
}
