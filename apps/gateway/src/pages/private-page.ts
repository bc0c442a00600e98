import type { DenyReason } from '../access/access-policy.js';
import { escapeHtml, htmlPage } from './html-page.js';

const REASONS: Record<DenyReason, string> = {
  'no-credentials': 'This browser has no access to it yet.',
  'wrong-environment': 'The link you used belongs to a different preview.',
  'foreign-origin': 'The page asking is not part of this preview.',
  expired: 'The link you used has expired; the Berth comment always carries a fresh one.',
  'bad-signature': 'The link you used is not valid (it was changed, or signed with another key).',
  malformed: 'The link you used is damaged; copy it again from the comment.',
};

/** 401: the preview exists, but it is private and this request carries no valid access. */
export function privatePage(host: string, reason: DenyReason): string {
  return htmlPage(
    'Private preview',
    `<h1>This preview is private</h1>
<p><code>${escapeHtml(host)}</code> is a private preview. ${REASONS[reason]}</p>
<p>Open it through the link in the pull request's Berth comment: that link signs you in to this
preview for a limited time.</p>
`,
  );
}
