import { redactSecrets, truncate } from './redact.js';

/** What happened to a preview, as the stage runner reports it (structurally `ReportedEvent`). */
export type PreviewEvent =
  | { kind: 'started'; stage: string }
  /** Waiting for room on the host; `reason` is the stage's own line (committed X of Y MB …). */
  | { kind: 'queued'; stage: string; reason: string }
  | { kind: 'ready' }
  | { kind: 'failed'; stage: string; error: string }
  | { kind: 'destroyed' }
  | { kind: 'held' }
  | { kind: 'skipped' };

export type CommitStatusState = 'pending' | 'success' | 'failure' | 'error';

export interface CommitStatusUpdate {
  state: CommitStatusState;
  /** ≤ 140 characters: GitHub rejects longer descriptions. */
  description: string;
}

/** GitHub's limit for a commit status description. */
export const STATUS_DESCRIPTION_MAX = 140;

/**
 * The commit status an event sets on the revision's head SHA, or null when the event only updates
 * the comment (teardown: the commit's status stays what the preview last achieved).
 */
export function statusFor(
  event: PreviewEvent,
  secrets: readonly string[] = [],
): CommitStatusUpdate | null {
  const status = ((): CommitStatusUpdate | null => {
    switch (event.kind) {
      case 'started':
        if (event.stage === 'teardown') return null;
        return {
          state: 'pending',
          description:
            event.stage === 'build'
              ? 'Building the preview'
              : `Provisioning the preview (${event.stage})`,
        };
      case 'queued':
        return {
          state: 'pending',
          description: `Queued: ${redactSecrets(event.reason, secrets)
            .replace(/^queued:\s*/, '')
            .replace(/;.*$/, '')}`,
        };
      case 'ready':
        return { state: 'success', description: 'Preview ready' };
      case 'failed': {
        const error = redactSecrets(event.error, secrets).replace(/\s+/g, ' ').trim();
        return {
          state: 'failure',
          description: `Preview failed at ${event.stage}${error ? `: ${error}` : ''}`,
        };
      }
      case 'held':
        return {
          state: 'pending',
          description: 'Waiting for approval: a maintainer must add preview:approved',
        };
      case 'skipped':
        return { state: 'success', description: 'Skipped by label preview:skip' };
      case 'destroyed':
        return null;
    }
  })();
  return status && { ...status, description: truncate(status.description, STATUS_DESCRIPTION_MAX) };
}
