// The GitHub App manifest Berth registers itself with: the permissions and events the lifecycle
// needs, nothing more. https://docs.github.com/apps/sharing-github-apps/registering-a-github-app-from-a-manifest

export const APP_PERMISSIONS = {
  pull_requests: 'write', // the sticky preview comment lives on the PR's conversation
  issues: 'write', // …which GitHub files under issues for comments; and chat-op reactions (0026)
  contents: 'read', // clone the PR's head
  statuses: 'write', // berth/preview commit status
  checks: 'write', // check runs
  metadata: 'read', // required by GitHub for every App
  // Org and team membership, for SSO rules naming an org or team (previews' `sso` access mode
  // and the console's CONSOLE_ROLE_RULES, decision 0035).
  members: 'read',
} as const;

/**
 * Events the App subscribes to (`issue_comment`: PR chat-ops, decision 0026). `installation` and `installation_repositories` are not listed:
 * GitHub sends them to every App without a subscription (and refuses them in a manifest).
 */
export const APP_EVENTS = ['pull_request', 'issue_comment', 'check_run', 'push'] as const;

export interface ManifestInput {
  /** The api's public root, e.g. https://berth.example.com. */
  publicUrl: string;
  /** The App's name on GitHub (unique across GitHub). */
  name: string;
}

export function appManifest(input: ManifestInput): Record<string, unknown> {
  const root = input.publicUrl.replace(/\/+$/, '');
  return {
    name: input.name,
    url: root,
    hook_attributes: { url: `${root}/webhooks/github`, active: true },
    redirect_url: `${root}/setup/github/callback`,
    // Where GitHub may send a person back after "Sign in with GitHub" to the console (0035).
    // Preview SSO's callback is on the gateway's sign-in host: add it to the App by hand.
    callback_urls: [`${root}/api/console/session/github/callback`],
    public: false,
    default_permissions: APP_PERMISSIONS,
    default_events: APP_EVENTS,
  };
}

/**
 * GitHub's web root from its API root: api.github.com → github.com, GHES https://host/api/v3 →
 * https://host; anything else (an emulator) serves both on one origin.
 */
export function githubWebUrl(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === 'api.github.com') return 'https://github.com';
  return url.origin;
}

/** Where the manifest form is posted: a user's Apps, or an organization's. */
export function newAppUrl(webUrl: string, state: string, organization?: string): string {
  const root = webUrl.replace(/\/+$/, '');
  const path = organization
    ? `/organizations/${encodeURIComponent(organization)}/settings/apps/new`
    : '/settings/apps/new';
  return `${root}${path}?state=${encodeURIComponent(state)}`;
}
