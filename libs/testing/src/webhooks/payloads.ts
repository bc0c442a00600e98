// Webhook payloads in GitHub's documented shape. `pull_request` and `repository` are the same
// objects the REST API returns, so pass the emulator's JSON (or your own) straight in.

export type PullRequestAction =
  'opened' | 'reopened' | 'synchronize' | 'labeled' | 'unlabeled' | 'closed' | 'edited';

type Json = Record<string, unknown>;

export interface PullRequestEventInput {
  action: PullRequestAction;
  pullRequest: Json;
  repository: Json;
  installationId: number;
  sender: Json;
  /** labeled/unlabeled: the label object (REST label shape). */
  label?: Json;
  /** edited: e.g. `{ title: { from: 'old' } }`. */
  changes?: Json;
  /** synchronize: previous and new head SHAs. */
  before?: string;
  after?: string;
}

export function pullRequestPayload(input: PullRequestEventInput): Json {
  const { action } = input;
  if ((action === 'labeled' || action === 'unlabeled') && !input.label) {
    throw new Error(`pullRequestPayload: action "${action}" needs "label"`);
  }
  if (action === 'synchronize' && (!input.before || !input.after)) {
    throw new Error('pullRequestPayload: action "synchronize" needs "before" and "after" SHAs');
  }
  if (action === 'edited' && !input.changes) {
    throw new Error('pullRequestPayload: action "edited" needs "changes"');
  }
  return {
    action,
    number: input.pullRequest.number,
    ...(action === 'synchronize' ? { before: input.before, after: input.after } : {}),
    ...(action === 'edited' ? { changes: input.changes } : {}),
    ...(input.label ? { label: input.label } : {}),
    pull_request: input.pullRequest,
    repository: input.repository,
    installation: {
      id: input.installationId,
      node_id: `MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u${input.installationId}`,
    },
    sender: input.sender,
  };
}

export type CheckRunAction = 'created' | 'completed' | 'rerequested' | 'requested_action';

export interface CheckRunEventInput {
  action: CheckRunAction;
  /** The check run in its REST shape; `check_suite` and `pull_requests` as GitHub adds them. */
  checkRun: Json;
  repository: Json;
  installationId: number;
  sender: Json;
}

/** The `check_run` event (e.g. `rerequested`: someone pressed "Re-run" on the check). */
export function checkRunPayload(input: CheckRunEventInput): Json {
  return {
    action: input.action,
    check_run: input.checkRun,
    repository: input.repository,
    installation: {
      id: input.installationId,
      node_id: `MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u${input.installationId}`,
    },
    sender: input.sender,
  };
}

export interface PingPayloadInput {
  appId: number;
  hookId?: number;
  url: string;
  events?: string[];
}

/** The `ping` GitHub sends when an App's webhook is configured. */
export function pingPayload(input: PingPayloadInput): Json {
  const hookId = input.hookId ?? 4242424;
  const now = new Date().toISOString();
  return {
    zen: 'Keep it logically awesome.',
    hook_id: hookId,
    hook: {
      type: 'App',
      id: hookId,
      name: 'web',
      active: true,
      events: input.events ?? ['pull_request'],
      config: { content_type: 'json', insecure_ssl: '0', url: input.url },
      updated_at: now,
      created_at: now,
      app_id: input.appId,
      deliveries_url: `https://api.github.com/app/hook/deliveries`,
    },
  };
}
