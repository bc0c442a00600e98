import type { DenyReason } from '../access/access-policy.js';
import { escapeHtml, htmlPage } from './html-page.js';

const REASONS: Record<DenyReason, string> = {
  'no-credentials': 'This browser has no access to it yet.',
  'wrong-environment': 'The link you used belongs to a different preview.',
  'foreign-origin': 'The page asking is not part of this preview.',
  expired: 'The link you used has expired; ask an operator for a new one.',
  revoked: 'The link you used was revoked by an operator.',
  'bad-signature': 'The link you used is not valid (it was changed, or signed with another key).',
  malformed:
    'The link you used is damaged (or from before links became revocable); ask for a new one.',
};

/** 401: the preview exists, but it is private and this request carries no valid access. */
export function privatePage(host: string, reason: DenyReason): string {
  return htmlPage(
    'Private preview',
    `<h1>This preview is private</h1>
<p><code>${escapeHtml(host)}</code> is a private preview. ${REASONS[reason]}</p>
<p>Sign in if the repository allows it, or ask an operator of this Berth for a share link
(<code>berth share create</code>): it opens this preview for a limited time.</p>
`,
  );
}
