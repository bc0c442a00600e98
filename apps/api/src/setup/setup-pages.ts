// The setup's two small HTML pages. Every interpolated value is escaped.

const escape = (value: string): string =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}
code{background:#f3f3f3;padding:0 .2em}button{font-size:1rem;padding:.5em 1em}</style>
</head><body>${body}</body></html>`;
}

export function manifestFormPage(input: {
  action: string;
  manifest: Record<string, unknown>;
  organization?: string;
}): string {
  const owner = input.organization
    ? `the organization <code>${escape(input.organization)}</code>`
    : 'your GitHub account';
  return page(
    'Set up Berth’s GitHub App',
    `<h1>Create Berth’s GitHub App</h1>
<p>GitHub will create an App owned by ${owner}, with the permissions Berth needs, and send its
credentials back here. Berth stores them encrypted; you never copy a key by hand.</p>
<form id="manifest" method="post" action="${escape(input.action)}">
<input type="hidden" name="manifest" value="${escape(JSON.stringify(input.manifest))}">
<button type="submit">Create the App on GitHub</button>
</form>
<p>For an organization, open <code>/setup/github?organization=NAME</code>.</p>`,
  );
}

export function appCreatedPage(input: { name: string; htmlUrl: string; id: number }): string {
  return page(
    'Berth’s GitHub App is ready',
    `<h1>GitHub App ${escape(input.name)} created</h1>
<p>App id ${input.id}. Its private key, webhook secret and client secret are stored encrypted;
the api and the worker use them now, no restart needed.</p>
<p>Next: <a href="${escape(input.htmlUrl)}/installations/new">install the App</a> on the
repositories that should get previews, then allow them: <code>berth repo set OWNER/NAME --enable</code>
or ALLOWED_OWNERS.</p>`,
  );
}

export function setupErrorPage(message: string): string {
  return page('Berth setup', `<h1>The GitHub App was not set up</h1><p>${escape(message)}</p>`);
}
