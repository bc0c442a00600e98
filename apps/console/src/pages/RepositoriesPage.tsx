import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, type RepositorySettings, unwrap } from '../api.js';
import { Link } from '../components/Link.js';
import { Status } from '../components/Status.js';
import { navigate } from '../router.js';

const FULL_NAME = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;

/**
 * Every repository with stored settings the token may see. A repository nobody configured is
 * not listed (its settings are Berth's defaults): the form opens one by name, and a token
 * limited to one repository gets that one offered.
 */
export function RepositoriesPage({ restriction }: { restriction: string | null }) {
  const list = useQuery({
    queryKey: ['repositories'],
    queryFn: async () => unwrap(await api.GET('/api/v1/repositories')),
  });
  const own =
    restriction && FULL_NAME.test(restriction) && !restriction.endsWith('/*') ? restriction : null;
  const repositories = list.data?.repositories ?? [];
  const missingOwn =
    own !== null && !repositories.some((r) => r.fullName === own.toLowerCase()) ? own : null;
  return (
    <section aria-labelledby="repositories-title">
      <h1 id="repositories-title">Repositories</h1>
      <OpenByName />
      {list.isPending ? (
        <Status kind="loading">Loading repositories…</Status>
      ) : list.isError ? (
        <Status kind="error">Could not load repositories: {list.error.message}</Status>
      ) : repositories.length === 0 && !missingOwn ? (
        <Status kind="empty">
          No repository has stored settings yet: every one uses Berth&apos;s defaults. Open one by
          name above to configure it.
        </Status>
      ) : (
        <ul className="cards" aria-label="Repositories">
          {missingOwn ? (
            <li className="card" data-repository={missingOwn}>
              <div className="card-main">
                <Link to={{ page: 'repository', fullName: missingOwn }}>{missingOwn}</Link>
                <span className="badge">defaults</span>
              </div>
              <p className="muted">
                Your token&apos;s repository: nothing stored, Berth&apos;s defaults apply.
              </p>
            </li>
          ) : null}
          {repositories.map((repo) => (
            <RepositoryCard key={repo.fullName} repo={repo} />
          ))}
        </ul>
      )}
    </section>
  );
}

function OpenByName() {
  const [name, setName] = useState('');
  const [problem, setProblem] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const wanted = name.trim();
    if (!FULL_NAME.test(wanted)) {
      setProblem('Give the repository as owner/name, such as acme/shop.');
      return;
    }
    setProblem('');
    navigate({ page: 'repository', fullName: wanted.toLowerCase() });
  };
  return (
    <form className="filters" onSubmit={submit}>
      <div className="field">
        <label htmlFor="open-repository">Open a repository</label>
        <input
          id="open-repository"
          placeholder="owner/name"
          value={name}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? 'open-repository-problem' : undefined}
          onChange={(event) => setName(event.target.value)}
        />
        {problem ? (
          <p id="open-repository-problem" className="field-problem">
            {problem}
          </p>
        ) : null}
      </div>
      <div className="field-buttons">
        <button type="submit" className="secondary">
          Open
        </button>
      </div>
    </form>
  );
}

export function RepositoryCard({ repo }: { repo: RepositorySettings }) {
  return (
    <li className="card" data-repository={repo.fullName}>
      <div className="card-main">
        <Link to={{ page: 'repository', fullName: repo.fullName }}>{repo.fullName}</Link>
        <span className={`badge ${repo.enabled ? 'badge-ready' : 'badge-failed'}`}>
          {repo.enabled ? 'enabled' : 'disabled'}
        </span>
      </div>
      <dl className="env-facts">
        <Fact label="Compose file" value={repo.composePath ?? 'default'} />
        <Fact label="Access" value={repo.accessMode} />
        <Fact label="TTL" value={hours(repo.defaultTtlHours)} />
        <Fact label="Database" value={repo.defaultDbMode ?? 'default'} />
        <Fact label="Ceilings" value={ceilings(repo)} />
      </dl>
    </li>
  );
}

export function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

export function hours(value: number | undefined): string {
  return value === undefined ? 'default' : `${value} h`;
}

/** The resource ceilings set, in one line; `defaults` when none is. */
export function ceilings(repo: RepositorySettings): string {
  const parts = [
    repo.maxMemoryMb === undefined ? null : `${repo.maxMemoryMb} MiB`,
    repo.maxCpus === undefined ? null : `${repo.maxCpus} CPU`,
    repo.maxPids === undefined ? null : `${repo.maxPids} pids`,
    repo.maxServices === undefined ? null : `${repo.maxServices} services`,
  ].filter((p): p is string => p !== null);
  return parts.length ? parts.join(', ') : 'defaults';
}
