const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/** What a person sees at a preview URL that does not (or no longer) exist. */
export function notFoundPage(host: string, baseDomain: string): string {
  const h = escapeHtml(host || '(no Host header)');
  const d = escapeHtml(baseDomain);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>No preview here — Berth</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}
code{background:#f3f3f3;padding:.1rem .3rem;border-radius:3px}</style></head>
<body><h1>No preview at this address</h1>
<p>Berth has no running preview for <code>${h}</code>.</p>
<p>Preview URLs look like <code>&lt;service&gt;-pr-&lt;number&gt;-&lt;repo&gt;.${d}</code>.
The preview may not be ready yet, or its pull request was closed and the preview destroyed.
The pull request's Berth comment always lists the current URLs.</p>
</body></html>
`;
}
