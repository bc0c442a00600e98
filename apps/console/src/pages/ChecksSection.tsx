import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api.js';
import { StateBadge } from '../components/StateBadge.js';
import { Status } from '../components/Status.js';

/** GitHub is asked on each read (through the api): slower than the page's own poll. */
const CHECKS_POLL_MS = 15_000;

/** Berth's check runs on the environment's head commit, each linked to GitHub. */
export function ChecksSection({ id }: { id: string }) {
  const checks = useQuery({
    queryKey: ['environment-checks', id],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/environments/{id}/checks', { params: { path: { id } } })),
    refetchInterval: CHECKS_POLL_MS,
  });
  return (
    <section aria-labelledby="checks-title">
      <h2 id="checks-title">Check runs</h2>
      {checks.isPending ? (
        <Status kind="loading">Asking GitHub for the check runs…</Status>
      ) : checks.isError ? (
        <Status kind="error">Could not read the check runs: {checks.error.message}</Status>
      ) : checks.data.checks.length === 0 ? (
        <Status kind="empty">
          No Berth check run on <code>{checks.data.headSha.slice(0, 12)}</code> yet.
        </Status>
      ) : (
        <ul className="checks" data-testid="checks">
          {checks.data.checks.map((check, index) => (
            <li key={`${check.name}-${index}`}>
              <strong>{check.name}</strong> <StateBadge state={check.conclusion ?? check.status} />{' '}
              {check.url ? (
                <a href={check.url} rel="noreferrer">
                  on GitHub
                </a>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
