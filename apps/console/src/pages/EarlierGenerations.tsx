import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api.js';
import { Status } from '../components/Status.js';
import { localTime } from '../format.js';
import { StagesTable } from './StagesTable.js';

const HISTORY_POLL_MS = 10_000;
/** Generations shown, newest first, the current one included (it has its own table above). */
const HISTORY_LIMIT = 10;

/** The timeline before the current generation: each push, label or redeploy, and its stages. */
export function EarlierGenerations({ id, current }: { id: string; current: number }) {
  const history = useQuery({
    queryKey: ['environment-stages', id],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/environments/{id}/stages', {
          params: { path: { id }, query: { limit: HISTORY_LIMIT } },
        }),
      ),
    refetchInterval: HISTORY_POLL_MS,
  });
  const earlier = history.data?.generations.filter((g) => g.generation !== current) ?? [];
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">Earlier generations</h2>
      {history.isPending ? (
        <Status kind="loading">Loading the earlier generations…</Status>
      ) : history.isError ? (
        <Status kind="error">
          Could not load the earlier generations: {history.error.message}
        </Status>
      ) : earlier.length === 0 ? (
        <Status kind="empty">This is its first generation.</Status>
      ) : (
        <ul className="generations" data-testid="earlier-generations">
          {earlier.map((g) => {
            const failed = g.stages.find((s) => s.status === 'failed');
            return (
              <li key={g.generation}>
                <details>
                  <summary>
                    Generation {g.generation} · <code>{g.headSha.slice(0, 12)}</code> ·{' '}
                    {localTime(g.createdAt)}
                    {failed ? ` · failed at ${failed.stage}` : ''}
                  </summary>
                  {g.stages.length === 0 ? (
                    <Status kind="empty">No stage ran (superseded before it started).</Status>
                  ) : (
                    <StagesTable stages={g.stages} />
                  )}
                </details>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
