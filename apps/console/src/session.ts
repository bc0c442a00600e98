import type { SessionView } from './api.js';

// What the signed-in token may do, as the api's scopes say (decision 0029): pages hide what
// the api would refuse, and say why, rather than offer a button that answers 403.

export interface Powers {
  /** Environment actions and redelivery: `write` or `admin`. */
  write: boolean;
  /** Repository settings and secret values: `admin`. */
  admin: boolean;
  /** The system view and the audit log cover every repository: an unrestricted admin token. */
  operator: boolean;
}

export function powersOf(session: Pick<SessionView, 'scope' | 'repository'>): Powers {
  const admin = session.scope === 'admin';
  return { write: session.scope !== 'read', admin, operator: admin && session.repository === null };
}
