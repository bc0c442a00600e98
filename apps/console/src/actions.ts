import { api, unwrap, type ActionResult, type MintedShareLink } from './api.js';
import { localTime } from './format.js';

// The environment actions the console offers, each one REST v1 call (decision 0029). Every
// one is confirmed by the person first (ConfirmAction), then its answer is shown.

export type ActionName = 'redeploy' | 'rebuild' | 'extend' | 'sleep' | 'wake' | 'destroy' | 'share';

export interface ActionSpec {
  name: ActionName;
  label: string;
  /** What the confirmation says will happen. */
  confirm: string;
  danger?: boolean;
}

export const ACTIONS: ActionSpec[] = [
  {
    name: 'redeploy',
    label: 'Redeploy',
    confirm: 'Deploy the same commit again as a new generation.',
  },
  {
    name: 'rebuild',
    label: 'Rebuild',
    confirm: 'Build every image again without reusing any, then deploy it as a new generation.',
  },
  { name: 'extend', label: 'Extend', confirm: 'Push the expiry back by the chosen time.' },
  { name: 'sleep', label: 'Sleep', confirm: 'Stop its containers until it is opened or woken.' },
  { name: 'wake', label: 'Wake', confirm: 'Start its containers again.' },
  {
    name: 'share',
    label: 'Mint share link',
    confirm: 'Create a link that opens this preview without signing in, valid for 24 hours.',
  },
  {
    name: 'destroy',
    label: 'Destroy',
    confirm: 'Tear it down now. The pull request stays open; a push or a redeploy brings it back.',
    danger: true,
  },
];

export type ActionOutcome =
  { kind: 'action'; result: ActionResult } | { kind: 'share'; link: MintedShareLink };

export async function runAction(
  id: string,
  name: ActionName,
  extendBy: string,
): Promise<ActionOutcome> {
  const path = { params: { path: { id } } };
  switch (name) {
    case 'redeploy':
      return {
        kind: 'action',
        result: unwrap(await api.POST('/api/v1/environments/{id}/redeploy', path)),
      };
    case 'rebuild':
      return {
        kind: 'action',
        result: unwrap(await api.POST('/api/v1/environments/{id}/rebuild', path)),
      };
    case 'sleep':
      return {
        kind: 'action',
        result: unwrap(await api.POST('/api/v1/environments/{id}/sleep', path)),
      };
    case 'wake':
      return {
        kind: 'action',
        result: unwrap(await api.POST('/api/v1/environments/{id}/wake', path)),
      };
    case 'destroy':
      return {
        kind: 'action',
        result: unwrap(await api.POST('/api/v1/environments/{id}/destroy', path)),
      };
    case 'extend':
      return {
        kind: 'action',
        result: unwrap(
          await api.POST('/api/v1/environments/{id}/extend', { ...path, body: { by: extendBy } }),
        ),
      };
    case 'share':
      return {
        kind: 'share',
        link: unwrap(
          await api.POST('/api/v1/environments/{id}/share-links', {
            ...path,
            body: { note: 'minted in the console' },
          }),
        ),
      };
  }
}

/** One line saying what an action did. */
export function outcomeText(outcome: ActionOutcome): string {
  if (outcome.kind === 'share') return 'Share link minted. It is shown once: copy it now.';
  const { result } = outcome;
  if (result.status === 'queued')
    return `${result.action}: queued (job ${result.jobId}); no worker answered yet.`;
  const expiry = result.expiresAt ? `, now expires ${localTime(result.expiresAt)}` : '';
  return `${result.action}: ${result.status}${expiry}${result.detail ? ` — ${result.detail}` : ''}`;
}
