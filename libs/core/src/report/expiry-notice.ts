// The PR comment's TTL lines (decision 0020): a warning section before expiry, and the header of
// an expired preview with how to bring it back. Pure, like the rest of the comment.

import type { PreviewCommentInput } from './preview-comment.js';

export interface PreviewCommentExpiry {
  /** `warning`: the sweep announced this expiry; `expired`: the TTL ran out and it is torn down. */
  phase: 'warning' | 'expired';
  /** ISO time of the expiry. */
  expiresAt: string;
  /** The TTL that applied, short form (`1m`, `72h`). */
  ttl: string;
  /**
   * Where it came from; `extension`: expiry was moved past the TTL (`berth env extend`, or to
   * give a late warning its full notice).
   */
  source: 'label' | 'default' | 'extension';
  /** The PR has a `ttl:` label (it still applies after a push). */
  labelled?: boolean;
  /** The label asked for more than the operator allows. */
  capped?: boolean;
}

/** `2026-12-04 09:01:00 UTC`. */
function when(iso: string): string {
  return `${iso.slice(0, 19).replace('T', ' ')} UTC`;
}

function why(expiry: PreviewCommentExpiry): string {
  switch (expiry.source) {
    case 'label':
      return `${expiry.ttl}, from the \`ttl:\` label${expiry.capped ? ", capped at the operator's maximum" : ''}`;
    case 'extension':
      return `a ${expiry.ttl} TTL, extended`;
    default:
      return `${expiry.ttl}, the repository's default`;
  }
}

/** The header of a preview whose TTL ran out, instead of "destroyed". */
export function expiredHeader(input: PreviewCommentInput): string[] | undefined {
  const expiry = input.expiry;
  if (expiry?.phase !== 'expired') return undefined;
  if (input.state !== 'destroying' && input.state !== 'destroyed') return undefined;
  const removal =
    input.state === 'destroying'
      ? 'so Berth is removing it: containers, network, volumes and routes'
      : 'so Berth removed it: its containers, network, volumes and routes are gone';
  const again = expiry.labelled
    ? ` While the \`ttl:\` label stays, it expires again ${expiry.ttl} after it is back.`
    : '';
  return [
    '### ⌛ Preview expired',
    `Its time to live ran out at ${when(expiry.expiresAt)} (${why(expiry)}), ${removal}.`,
    '',
    `**To bring it back:** push a commit, or change its labels (remove or lengthen \`ttl:\`, or add \`preview:rebuild\`).${again}`,
  ];
}

/** The warning section while a preview is about to expire; nothing otherwise. */
export function expiringSection(input: PreviewCommentInput): string[] {
  const expiry = input.expiry;
  if (expiry?.phase !== 'warning') return [];
  return [
    '#### ⏰ Expires soon',
    '',
    `This preview expires at **${when(expiry.expiresAt)}** (${why(expiry)}; counted from its last deploy). ` +
      'Then everything it runs is removed.',
    '',
    'To keep it: push a commit (the clock restarts), set a longer `ttl:` label (e.g. `ttl:24h`), ' +
      `or ask a Berth operator: \`berth env extend ${input.repo}#${input.pr} --by 24h\`.`,
  ];
}
