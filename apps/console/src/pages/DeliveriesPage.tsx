import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError, type AuditEntry, type Delivery, unwrap } from '../api.js';
import { ConfirmAction } from '../components/ConfirmAction.js';
import { Link } from '../components/Link.js';
import { Status } from '../components/Status.js';
import { localTime } from '../format.js';
import type { Powers } from '../session.js';

/** Rows a page; exported for the browser spec, which pages past it. */
export const PAGE = 25;
export const DELIVERIES_POLL_MS = 5_000;

/** One page's query: the first without a cursor, the next ones from the last page's. */
const pageQuery = (cursor: string) => ({ limit: PAGE, ...(cursor ? { cursor } : {}) });
const OLDER_PAGES = {
  initialPageParam: '',
  getNextPageParam: (last: { nextCursor?: string | null }) => last.nextCursor ?? undefined,
};

/** Recent webhook deliveries with their outcome and a redeliver, and the REST action log. */
export function DeliveriesPage({ powers }: { powers: Powers }) {
  // Newest first, a page at a time: "Load older" follows the api's cursor.
  const list = useInfiniteQuery({
    queryKey: ['deliveries'],
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET('/api/v1/deliveries', { params: { query: pageQuery(pageParam) } })),
    ...OLDER_PAGES,
    refetchInterval: DELIVERIES_POLL_MS,
  });
  const deliveries = list.data?.pages.flatMap((page) => page.deliveries) ?? [];
  return (
    <>
      <section aria-labelledby="deliveries-title">
        <h1 id="deliveries-title">Deliveries &amp; audit</h1>
        <h2 id="webhooks-title">Recent webhooks</h2>
        {list.isPending ? (
          <Status kind="loading">Loading deliveries…</Status>
        ) : list.isError ? (
          <Status kind="error">Could not load deliveries: {list.error.message}</Status>
        ) : deliveries.length === 0 ? (
          <Status kind="empty">No webhook delivery has arrived yet.</Status>
        ) : (
          <>
            <ul className="cards" aria-labelledby="webhooks-title" data-testid="deliveries">
              {deliveries.map((delivery) => (
                <DeliveryRow key={delivery.id} delivery={delivery} canRedeliver={powers.write} />
              ))}
            </ul>
            <LoadOlder query={list} what="deliveries" />
          </>
        )}
      </section>
      <AuditLog powers={powers} />
    </>
  );
}

const OUTCOME_BADGE: Record<Delivery['outcome'], string> = {
  received: 'badge-pending',
  processed: 'badge-ready',
  ignored: 'badge-destroyed',
  rejected: 'badge-failed',
  failed: 'badge-failed',
};

function DeliveryRow({ delivery, canRedeliver }: { delivery: Delivery; canRedeliver: boolean }) {
  const client = useQueryClient();
  const [asking, setAsking] = useState(false);
  const redeliver = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/deliveries/{id}/redeliver', {
          params: { path: { id: delivery.id } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['deliveries'] }),
  });
  const what = `${delivery.event}${delivery.action ? ` · ${delivery.action}` : ''}`;
  return (
    <li className="card" data-delivery={delivery.id} data-outcome={delivery.outcome}>
      <div className="card-main">
        <span>{what}</span>
        <span className={`badge ${OUTCOME_BADGE[delivery.outcome]}`}>{delivery.outcome}</span>
      </div>
      <dl className="env-facts">
        <div>
          <dt>Received</dt>
          <dd>{localTime(delivery.receivedAt)}</dd>
        </div>
        <div>
          <dt>Repository</dt>
          <dd>
            {delivery.repository ?? '—'}
            {delivery.prNumber ? ` #${delivery.prNumber}` : ''}
          </dd>
        </div>
        {delivery.environmentId ? (
          <div>
            <dt>Environment</dt>
            <dd>
              <Link to={{ page: 'environment', id: delivery.environmentId }}>its page</Link>
            </dd>
          </div>
        ) : null}
        <div>
          <dt>Attempts</dt>
          <dd>{delivery.attempts}</dd>
        </div>
        <div>
          <dt>Delivery id</dt>
          <dd>
            <code>{delivery.id}</code>
          </dd>
        </div>
      </dl>
      {delivery.detail ? <p className="detail">{delivery.detail}</p> : null}
      {canRedeliver ? (
        <button
          type="button"
          className="secondary"
          aria-label={`Redeliver ${what} ${delivery.id}`}
          disabled={redeliver.isPending}
          onClick={() => {
            redeliver.reset();
            setAsking(true);
          }}
        >
          Redeliver
        </button>
      ) : null}
      <div role="status" className="outcome" data-testid="redeliver-outcome">
        {redeliver.isSuccess
          ? redeliver.data.status === 'queued'
            ? `Queued as ${redeliver.data.deliveryId}: a worker processes it in its pull request’s order.`
            : `Already waiting as ${redeliver.data.deliveryId}: not queued twice.`
          : null}
      </div>
      {redeliver.isError ? (
        <Status kind="error">
          {redeliver.error instanceof ApiError && redeliver.error.status === 409
            ? `Not redelivered: ${redeliver.error.message}.${redeliver.error.fix ? ` Instead, ${redeliver.error.fix}.` : ''}`
            : `Redelivery failed: ${redeliver.error.message}`}
        </Status>
      ) : null}
      <ConfirmAction
        open={asking}
        title={`Redeliver ${what}?`}
        confirmLabel="Redeliver"
        onCancel={() => setAsking(false)}
        onConfirm={() => {
          setAsking(false);
          redeliver.mutate();
        }}
      >
        <p>
          Its stored payload goes through the inbox again, in its pull request&apos;s order. An
          event already applied changes nothing.
        </p>
      </ConfirmAction>
    </li>
  );
}

/** The next page's button, or the end of the list said; a failed page says why. */
function LoadOlder({
  query,
  what,
}: {
  query: {
    hasNextPage: boolean;
    isFetchingNextPage: boolean;
    isFetchNextPageError: boolean;
    error: Error | null;
    fetchNextPage: () => Promise<unknown>;
  };
  what: string;
}) {
  return (
    <div className="load-more">
      {query.isFetchNextPageError ? (
        <Status kind="error">
          Could not load older {what}: {query.error?.message}
        </Status>
      ) : null}
      {query.hasNextPage ? (
        <button
          type="button"
          className="secondary"
          disabled={query.isFetchingNextPage}
          onClick={() => void query.fetchNextPage()}
        >
          {query.isFetchingNextPage ? 'Loading…' : `Load older ${what}`}
        </button>
      ) : (
        <p className="muted">No older {what}.</p>
      )}
    </div>
  );
}

function AuditLog({ powers }: { powers: Powers }) {
  const log = useInfiniteQuery({
    queryKey: ['audit'],
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET('/api/v1/audit', { params: { query: pageQuery(pageParam) } })),
    ...OLDER_PAGES,
    enabled: powers.operator,
  });
  const entries = log.data?.pages.flatMap((page) => page.entries) ?? [];
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      {!powers.operator ? (
        <Status kind="empty">
          The audit log covers every repository: it needs an unrestricted <code>admin</code> token.
        </Status>
      ) : log.isPending ? (
        <Status kind="loading">Loading the audit log…</Status>
      ) : log.isError ? (
        <Status kind="error">Could not load the audit log: {log.error.message}</Status>
      ) : entries.length === 0 ? (
        <Status kind="empty">No action has been taken through the API yet.</Status>
      ) : (
        <>
          <ul className="cards" aria-labelledby="audit-title" data-testid="audit-log">
            {entries.map((entry) => (
              <AuditRow key={entry.id} entry={entry} />
            ))}
          </ul>
          <LoadOlder query={log} what="audit entries" />
        </>
      )}
    </section>
  );
}

const AUDIT_BADGE: Record<AuditEntry['outcome'], string> = {
  succeeded: 'badge-ready',
  refused: 'badge-pending',
  failed: 'badge-failed',
};

function AuditRow({ entry }: { entry: AuditEntry }) {
  return (
    <li className="card">
      <div className="card-main">
        <span>
          <code>
            {entry.method} {entry.route}
          </code>
        </span>
        <span className={`badge ${AUDIT_BADGE[entry.outcome]}`}>
          {entry.outcome} ({entry.status})
        </span>
      </div>
      <dl className="env-facts">
        <div>
          <dt>When</dt>
          <dd>{localTime(entry.at)}</dd>
        </div>
        <div>
          <dt>Who</dt>
          <dd>{entry.actorName}</dd>
        </div>
        <div>
          <dt>Target</dt>
          <dd>{entry.target ?? '—'}</dd>
        </div>
      </dl>
      {entry.detail ? <p className="detail">{entry.detail}</p> : null}
    </li>
  );
}
