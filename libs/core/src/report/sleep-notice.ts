// The PR comment's sleep lines (decision 0024): a sleeping preview says so in its header, and
// that opening it wakes it. Pure, like the rest of the comment.

import type { PreviewCommentInput, PreviewCommentService } from './preview-comment.js';

export interface PreviewCommentSleep {
  /** ISO time it was put to sleep. */
  since: string;
}

/** `2026-12-05 09:01:00 UTC`. */
function when(iso: string): string {
  return `${iso.slice(0, 19).replace('T', ' ')} UTC`;
}

/** The header of a ready preview that is asleep, instead of "ready". */
export function asleepHeader(input: PreviewCommentInput): string[] | undefined {
  if (!input.asleep || input.state !== 'ready') return undefined;
  return [
    '### 💤 Preview asleep',
    `Commit \`${input.headSha.slice(0, 7)}\` has been asleep since ${when(input.asleep.since)}: ` +
      'its containers are stopped to save resources; its data is kept.',
    '',
    '**Opening any of its URLs wakes it** within seconds (a "waking up" page reloads by itself ' +
      'until it is back). A push redeploys it awake.',
  ];
}

/** While asleep, no service runs: the table says so instead of the last health seen. */
export function asleepServices(input: PreviewCommentInput): readonly PreviewCommentService[] {
  if (!input.asleep || input.state !== 'ready') return input.services;
  return input.services.map((service) => ({ ...service, status: 'asleep' }));
}
