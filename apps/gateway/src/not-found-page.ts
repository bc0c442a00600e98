import { escapeHtml, htmlPage } from './pages/html-page.js';

/** What a person sees at a preview URL that does not (or no longer) exist. */
export function notFoundPage(host: string, baseDomain: string): string {
  const h = escapeHtml(host || '(no Host header)');
  const d = escapeHtml(baseDomain);
  return htmlPage(
    'No preview here',
    `<h1>No preview at this address</h1>
<p>Berth has no running preview for <code>${h}</code>.</p>
<p>Preview URLs look like <code>&lt;service&gt;-pr-&lt;number&gt;-&lt;repo&gt;.${d}</code>.
The preview may not be ready yet, or its pull request was closed and the preview destroyed.
The pull request's Berth comment always lists the current URLs.</p>
`,
  );
}
