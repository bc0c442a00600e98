import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, unwrap, type EnvironmentSummary } from '../api.js';
import { StateBadge } from '../components/StateBadge.js';
import { Status } from '../components/Status.js';
import { useNow } from '../components/useNow.js';
import { age, GONE_STATES, localTime, ttlLeft } from '../format.js';
import { hrefOf, navigate } from '../router.js';

/** How often the list is asked again; unchanged answers are a 304 (ETag). */
export const LIST_POLL_MS = 2_000;

const STATE_FILTERS = [
  ['live', 'Live (not destroyed)'],
  ['all', 'All'],
  ['building', 'Building'],
  ['provisioning', 'Provisioning'],
  ['ready', 'Ready'],
  ['failed', 'Failed'],
  ['destroying', 'Destroying'],
  ['destroyed', 'Destroyed'],
] as const;

/** Every environment the session's token may see, newest first, refreshed while open. */
export function EnvironmentsPage() {
  const now = useNow();
  const [state, setState] = useState<string>('live');
  const [search, setSearch] = useState('');
  const list = useQuery({
    queryKey: ['environments'],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/environments', { params: { query: { limit: 200 } } })),
    refetchInterval: LIST_POLL_MS,
  });

  const shown = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return (list.data?.environments ?? []).filter((env) => {
      if (state === 'live' ? GONE_STATES.has(env.state) : state !== 'all' && env.state !== state) {
        return false;
      }
      if (!needle) return true;
      return [env.repository, env.branch, `#${env.prNumber}`, env.headSha]
        .join(' ')
        .toLowerCase()
        .includes(needle);
    });
  }, [list.data, state, search]);

  return (
    <section aria-labelledby="environments-title">
      <h1 id="environments-title">Environments</h1>
      <div className="filters" role="search">
        <div className="field">
          <label htmlFor="search">Search</label>
          <input
            id="search"
            type="search"
            placeholder="repository, branch, #PR or commit"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="state">State</label>
          <select id="state" value={state} onChange={(event) => setState(event.target.value)}>
            {STATE_FILTERS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {list.isPending ? (
        <Status kind="loading">Loading environments…</Status>
      ) : list.isError ? (
        <Status kind="error">Could not load environments: {list.error.message}</Status>
      ) : shown.length === 0 ? (
        <Status kind="empty">
          {list.data.environments.length === 0
            ? 'No previews yet. Open a pull request on an enabled repository to get one.'
            : 'No environment matches these filters.'}
        </Status>
      ) : (
        <ul className="env-list" aria-label="Environments">
          {shown.map((env) => (
            <EnvironmentRow key={env.id} env={env} now={now} />
          ))}
        </ul>
      )}
    </section>
  );
}

function EnvironmentRow({ env, now }: { env: EnvironmentSummary; now: number }) {
  const href = hrefOf({ page: 'environment', id: env.id });
  return (
    <li className="env-row" data-environment={env.id} data-state={env.state}>
      <div className="env-main">
        <a
          href={href}
          onClick={(event) => {
            event.preventDefault();
            navigate({ page: 'environment', id: env.id });
          }}
        >
          {env.repository} #{env.prNumber}
        </a>
        <StateBadge state={env.state} />
      </div>
      <dl className="env-facts">
        <div>
          <dt>Branch</dt>
          <dd>{env.branch}</dd>
        </div>
        <div>
          <dt>Commit</dt>
          <dd>
            <code>{env.headSha.slice(0, 7)}</code>
          </dd>
        </div>
        <div>
          <dt>Age</dt>
          <dd title={localTime(env.createdAt)}>{age(env.createdAt, now)}</dd>
        </div>
        <div>
          <dt>TTL</dt>
          <dd>{ttlLeft(env.expiresAt, now)}</dd>
        </div>
        <div>
          <dt>Last opened</dt>
          <dd>{env.lastAccessAt ? age(env.lastAccessAt, now) : 'never'}</dd>
        </div>
      </dl>
    </li>
  );
}
