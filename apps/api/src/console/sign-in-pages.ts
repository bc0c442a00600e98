import { createHash } from 'node:crypto';

// The console sign-in's own small pages (a refused or failed sign-in): the SPA is not loaded
// for these, so they say what happened and link back. Every interpolated value is escaped.

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}code{background:#f3f3f3;padding:0 .2em}';

/** No script, no style but this page's own (by its hash), no frames. */
export const SIGN_IN_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const escape = (value: string): string =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)} · Berth</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${STYLE}</style>
</head><body><main>${body}
<p><a href="/console/">Back to the console sign-in</a></p></main></body></html>`;
}

/** A sign-in that did not complete (expired, tampered, the provider failed). */
export function signInProblemPage(title: string, detail: string): string {
  return page(title, `<h1>${escape(title)}</h1><p>${escape(detail)}</p>`);
}

/** The provider knows who this is, but no operator rule gives them a role. */
export function noRolePage(input: {
  login: string;
  provider: string;
  /** What an operator could add a rule for, e.g. `GitHub user octocat`. */
  facts: string[];
}): string {
  const facts = input.facts.map((f) => `<li>${escape(f)}</li>`).join('');
  return page(
    'No Berth role',
    `<h1>No Berth role</h1>
<p>You signed in with ${escape(input.provider)} as <strong>${escape(input.login)}</strong>, but your account has no Berth role.</p>
<p>Ask an operator to add a rule to <code>CONSOLE_ROLE_RULES</code> for one of:</p>
<ul>${facts}</ul>
<p>Nothing was kept: you are not signed in.</p>`,
  );
}
