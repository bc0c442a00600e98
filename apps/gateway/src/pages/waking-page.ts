import { escapeHtml, htmlPage } from './html-page.js';

/** Seconds before the waking page reloads itself, and the Retry-After of a non-HTML request. */
export const WAKE_RETRY_S = 2;

/**
 * 503 while a sleeping preview wakes (decision 0024): short, and it reloads itself until the
 * preview answers; no script needed.
 */
export function wakingPage(host: string): string {
  return htmlPage(
    'Waking up',
    `<h1>This preview is waking up</h1>
<p><code>${escapeHtml(host)}</code> was asleep (its containers stopped to save resources, its
data kept). It is starting again now, usually within seconds; this page reloads by itself until
it is back.</p>
`,
    `\n<meta http-equiv="refresh" content="${WAKE_RETRY_S}">`,
  );
}
