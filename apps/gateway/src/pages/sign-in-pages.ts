import { escapeHtml, htmlPage } from './html-page.js';

/** Several providers could admit this person: let them pick. `links` hold escaped-safe URLs. */
export function chooseProviderPage(
  repository: string,
  links: Array<{ label: string; href: string }>,
): string {
  const items = links
    .map(
      (link) =>
        `<li><a href="${escapeHtml(link.href)}">Sign in with ${escapeHtml(link.label)}</a></li>`,
    )
    .join('\n');
  return htmlPage(
    'Sign in',
    `<h1>Sign in</h1>
<p>Previews of <code>${escapeHtml(repository)}</code> are private. Sign in to open them.</p>
<ul>${items}</ul>
`,
  );
}

/** 403: signed in, but this person may not open this repository's previews. */
export function refusedPage(
  login: string,
  repository: string,
  others: Array<{ label: string; href: string }>,
): string {
  const alternatives = others
    .map(
      (link) =>
        `<li><a href="${escapeHtml(link.href)}">Sign in with ${escapeHtml(link.label)} instead</a></li>`,
    )
    .join('\n');
  return htmlPage(
    'No access',
    `<h1>No access to this preview</h1>
<p>You are signed in as <code>${escapeHtml(login)}</code>, who may not open previews of
<code>${escapeHtml(repository)}</code>. Ask a maintainer for read access to the repository, or
an operator of this Berth for a share link.</p>
${alternatives ? `<ul>${alternatives}</ul>` : ''}
<form method="post" action="/sign-out"><button type="submit">Sign out</button></form>
`,
  );
}

/** 400/403/502 pages of the sign-in host: the request cannot go on, and what to do instead. */
export function signInProblemPage(title: string, message: string): string {
  return htmlPage(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>\n`);
}
