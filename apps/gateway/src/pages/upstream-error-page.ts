import { escapeHtml, htmlPage } from './html-page.js';

/** 502/504: the route exists but the service behind it did not answer (in time). */
export function upstreamErrorPage(host: string, service: string, timedOut: boolean): string {
  const s = escapeHtml(service);
  const what = timedOut ? 'did not answer in time' : 'is not answering';
  return htmlPage(
    'Preview not answering',
    `<h1>The <code>${s}</code> service ${what}</h1>
<p>The preview at <code>${escapeHtml(host)}</code> exists, but its <code>${s}</code> service ${what}.
The preview may be starting (or restarting after a push): try again in a few seconds.
If this lasts, the pull request's Berth comment shows each service's status.</p>
`,
  );
}

/** 503: the gateway cannot read its route table (Postgres down). */
export function unavailablePage(host: string): string {
  return htmlPage(
    'Gateway unavailable',
    `<h1>Berth cannot look up this preview right now</h1>
<p>The gateway could not read its routes while serving <code>${escapeHtml(host)}</code>.
Try again shortly; operators see the cause on the gateway's <code>/readyz</code>.</p>
`,
  );
}
