import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import {
  ACTIONS,
  type ActionName,
  type ActionOutcome,
  outcomeText,
  runAction,
} from '../actions.js';
import { api, ApiError, unwrap, type EnvironmentDetail } from '../api.js';
import { ConfirmAction } from '../components/ConfirmAction.js';
import { StateBadge } from '../components/StateBadge.js';
import { Status } from '../components/Status.js';
import { useNow } from '../components/useNow.js';
import { age, failureReason, localTime, ttlLeft } from '../format.js';
import { navigate } from '../router.js';
import { ChecksSection } from './ChecksSection.js';
import { EarlierGenerations } from './EarlierGenerations.js';
import { LogsPanel } from './LogsPanel.js';
import { ServicesSection } from './ServicesSection.js';
import { StagesTable } from './StagesTable.js';

export const DETAIL_POLL_MS = 2_000;
const COST_POLL_MS = 30_000;

const EXTEND_CHOICES = ['1h', '24h', '3d', '7d'];

/** One environment: why it is in its state, its stages, services and URLs, and its actions. */
export function EnvironmentPage({ id, canWrite }: { id: string; canWrite: boolean }) {
  const detail = useQuery({
    queryKey: ['environment', id],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/environments/{id}', { params: { path: { id } } })),
    refetchInterval: DETAIL_POLL_MS,
  });
  if (detail.isPending) return <Status kind="loading">Loading the environment…</Status>;
  if (detail.isError) {
    return (
      <Status kind="error">
        {detail.error instanceof ApiError && detail.error.status === 404
          ? 'No such environment, or not one your token may see.'
          : `Could not load the environment: ${detail.error.message}`}
      </Status>
    );
  }
  return <EnvironmentView env={detail.data} canWrite={canWrite} />;
}

function EnvironmentView({ env, canWrite }: { env: EnvironmentDetail; canWrite: boolean }) {
  const now = useNow();
  const reason = env.state === 'failed' ? failureReason(env.stages) : undefined;
  return (
    <article aria-labelledby="environment-title" data-state={env.state}>
      <p className="back">
        <a
          href="/console/"
          onClick={(event) => {
            event.preventDefault();
            navigate({ page: 'environments' });
          }}
        >
          ← All environments
        </a>
      </p>
      <h1 id="environment-title">
        {env.repository} #{env.prNumber} <StateBadge state={env.state} />
      </h1>
      {env.state === 'failed' ? (
        <div className="failure" role="alert">
          <h2>Why it failed</h2>
          {reason ? (
            <>
              <p>
                The <strong>{reason.stage}</strong> stage failed:
              </p>
              <pre className="failure-reason">{reason.error}</pre>
            </>
          ) : (
            <p>No stage recorded an error; see the pull request&apos;s comment and check run.</p>
          )}
        </div>
      ) : null}
      <dl className="facts">
        <div>
          <dt>Branch</dt>
          <dd>
            {env.branch} → {env.baseBranch}
            {env.isFork ? ' (fork)' : ''}
          </dd>
        </div>
        <div>
          <dt>Commit</dt>
          <dd>
            <code>{env.headSha.slice(0, 12)}</code> (generation {env.generation})
          </dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd data-testid="created">
            {localTime(env.createdAt)} ({age(env.createdAt, now)})
          </dd>
        </div>
        <div>
          <dt>Expires</dt>
          <dd data-testid="expires">
            {env.expiresAt
              ? `${localTime(env.expiresAt)} (${ttlLeft(env.expiresAt, now)})`
              : 'no expiry'}
          </dd>
        </div>
        <div>
          <dt>Last opened</dt>
          <dd>{env.lastAccessAt ? localTime(env.lastAccessAt) : 'never'}</dd>
        </div>
        <div>
          <dt>Cost so far</dt>
          <dd data-testid="cost">
            <CostSoFar id={env.id} />
          </dd>
        </div>
        {env.pullRequestUrl ? (
          <div>
            <dt>Pull request</dt>
            <dd>
              <a href={env.pullRequestUrl} rel="noreferrer">
                {env.repository} #{env.prNumber} on GitHub
              </a>
            </dd>
          </div>
        ) : null}
      </dl>
      <section aria-labelledby="urls-title">
        <h2 id="urls-title">URLs</h2>
        {Object.keys(env.urls).length === 0 ? (
          <Status kind="empty">No public URL yet.</Status>
        ) : (
          <ul className="urls">
            {Object.entries(env.urls).map(([service, url]) => (
              <li key={service}>
                {service}: <a href={url}>{url}</a>
              </li>
            ))}
          </ul>
        )}
      </section>
      {env.prNumber > 0 ? <ChecksSection id={env.id} /> : null}
      {canWrite ? <Actions env={env} /> : null}
      <section aria-labelledby="stages-title">
        <h2 id="stages-title">Stages of generation {env.generation}</h2>
        {env.stages.length === 0 ? (
          <Status kind="empty">No stage has run yet.</Status>
        ) : (
          <StagesTable stages={env.stages} />
        )}
      </section>
      {env.generation > 1 ? <EarlierGenerations id={env.id} current={env.generation} /> : null}
      <ServicesSection env={env} />
      {env.state === 'destroyed' ? null : (
        <LogsPanel environmentId={env.id} services={env.services.map((s) => s.name)} />
      )}
    </article>
  );
}

/** The preview's cost from usage sampling (decision 0025), refreshed every 30 s. */
function CostSoFar({ id }: { id: string }) {
  const cost = useQuery({
    queryKey: ['environment-cost', id],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/environments/{id}/cost', { params: { path: { id } } })),
    refetchInterval: COST_POLL_MS,
  });
  if (cost.isPending) return <>…</>;
  if (cost.isError) return <>unknown ({cost.error.message})</>;
  return <>{cost.data.cost.formatted}</>;
}

function Actions({ env }: { env: EnvironmentDetail }) {
  const client = useQueryClient();
  const [pending, setPending] = useState<ActionName | null>(null);
  const [extendBy, setExtendBy] = useState('24h');
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const mutation = useMutation({
    mutationFn: (name: ActionName) => runAction(env.id, name, extendBy),
    onSuccess: async (result, name) => {
      setOutcome(result);
      await client.invalidateQueries({ queryKey: ['environment', env.id] });
      await client.invalidateQueries({ queryKey: ['environments'] });
      if (name === 'destroy') navigate({ page: 'environments' });
    },
  });
  const spec = ACTIONS.find((a) => a.name === pending);
  const gone = env.state === 'destroyed' || env.state === 'destroying';
  return (
    <section aria-labelledby="actions-title">
      <h2 id="actions-title">Actions</h2>
      <div className="actions">
        {ACTIONS.map((action) => (
          <button
            key={action.name}
            type="button"
            className={action.danger ? 'danger' : 'secondary'}
            disabled={
              mutation.isPending ||
              (gone && action.name !== 'redeploy' && action.name !== 'rebuild')
            }
            onClick={() => {
              setOutcome(null);
              mutation.reset();
              setPending(action.name);
            }}
          >
            {action.label}
          </button>
        ))}
      </div>
      <div role="status" aria-live="polite" className="outcome">
        {mutation.isPending ? 'Working…' : null}
        {outcome ? <p data-testid="action-outcome">{outcomeText(outcome)}</p> : null}
        {outcome?.kind === 'share' ? (
          <ul className="urls">
            {Object.entries(outcome.link.links).map(([service, link]) => (
              <li key={service}>
                {service}: <input aria-label={`share link for ${service}`} readOnly value={link} />
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      {mutation.isError ? (
        <Status kind="error">That did not work: {mutation.error.message}</Status>
      ) : null}
      <ConfirmAction
        open={spec !== undefined}
        title={spec ? `${spec.label} ${env.repository} #${env.prNumber}?` : ''}
        confirmLabel={spec?.label ?? 'Confirm'}
        danger={spec?.danger ?? false}
        onCancel={() => setPending(null)}
        onConfirm={() => {
          if (pending) mutation.mutate(pending);
          setPending(null);
        }}
      >
        <p>{spec?.confirm}</p>
        {pending === 'extend' ? (
          <div className="field">
            <label htmlFor="extend-by">Extend by</label>
            <select
              id="extend-by"
              value={extendBy}
              onChange={(event) => setExtendBy(event.target.value)}
            >
              {EXTEND_CHOICES.map((choice) => (
                <option key={choice} value={choice}>
                  {choice}
                </option>
              ))}
            </select>
          </div>
        ) : null}
      </ConfirmAction>
    </section>
  );
}
