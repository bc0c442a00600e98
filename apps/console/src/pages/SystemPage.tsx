import { useQuery } from '@tanstack/react-query';
import { api, type SystemView, unwrap } from '../api.js';
import { Link } from '../components/Link.js';
import { Status } from '../components/Status.js';
import { bytes, count, localTime, percent } from '../format.js';
import type { Powers } from '../session.js';

export const SYSTEM_POLL_MS = 5_000;

/** Docker hosts with capacity and use, queue depth and the inbox backlog, and failed jobs. */
export function SystemPage({ powers }: { powers: Powers }) {
  if (!powers.operator) {
    return (
      <section aria-labelledby="system-title">
        <h1 id="system-title">System</h1>
        <Status kind="empty">
          The system view covers every repository: it needs an unrestricted <code>admin</code>{' '}
          token. Sign in with one to see Docker hosts, queues and failed jobs.
        </Status>
      </section>
    );
  }
  return <SystemDetails />;
}

function SystemDetails() {
  const system = useQuery({
    queryKey: ['system'],
    queryFn: async () => unwrap(await api.GET('/api/v1/system')),
    refetchInterval: SYSTEM_POLL_MS,
  });
  const failed = useQuery({
    queryKey: ['failed-jobs'],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/system/failed-jobs', { params: { query: { limit: 50 } } })),
    refetchInterval: SYSTEM_POLL_MS,
  });
  return (
    <section aria-labelledby="system-title">
      <h1 id="system-title">System</h1>
      {system.isPending ? (
        <Status kind="loading">Loading the control plane&apos;s state…</Status>
      ) : system.isError ? (
        <Status kind="error">Could not load the system view: {system.error.message}</Status>
      ) : (
        <>
          <Hosts hosts={system.data.hosts} />
          <Queues system={system.data} />
        </>
      )}
      <h2 id="failed-title">Failed jobs</h2>
      {failed.isPending ? (
        <Status kind="loading">Loading failed jobs…</Status>
      ) : failed.isError ? (
        <Status kind="error">Could not load failed jobs: {failed.error.message}</Status>
      ) : failed.data.jobs.length === 0 ? (
        <Status kind="empty">No job has failed.</Status>
      ) : (
        <ul className="cards" aria-labelledby="failed-title">
          {failed.data.jobs.map((job) => (
            <li key={`${job.queue}/${job.id}`} className="card">
              <div className="card-main">
                <code>
                  {job.queue} · {job.name}
                </code>
                <span className="badge badge-failed">{count(job.attempts, 'attempt')}</span>
              </div>
              <dl className="env-facts">
                <div>
                  <dt>Failed</dt>
                  <dd>{job.failedAt ? localTime(job.failedAt) : 'unknown'}</dd>
                </div>
                {job.environmentId ? (
                  <div>
                    <dt>Environment</dt>
                    <dd>
                      <Link to={{ page: 'environment', id: job.environmentId }}>open</Link>
                    </dd>
                  </div>
                ) : null}
              </dl>
              <pre className="failure-reason">{job.failedReason}</pre>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Hosts({ hosts }: { hosts: SystemView['hosts'] }) {
  return (
    <>
      <h2 id="hosts-title">Docker hosts</h2>
      {hosts.length === 0 ? (
        <Status kind="empty">No Docker host has run a preview yet.</Status>
      ) : (
        <ul className="cards" aria-labelledby="hosts-title">
          {hosts.map((host) => {
            const { memory } = host;
            const used = Math.max(memory.committedBytes, memory.inUseBytes);
            return (
              <li key={host.name} className="card" data-host={host.name}>
                <div className="card-main">
                  <span>{host.name}</span>
                  <span className="badge">{count(host.environments, 'environment')}</span>
                </div>
                {memory.capacityBytes ? (
                  <div className="meter-row">
                    <label htmlFor={`meter-${host.name}`}>Memory committed</label>
                    <meter
                      id={`meter-${host.name}`}
                      min={0}
                      max={memory.capacityBytes}
                      high={memory.capacityBytes * 0.85}
                      value={memory.committedBytes}
                    >
                      {percent(memory.committedBytes, memory.capacityBytes)}
                    </meter>
                    <span>{percent(used, memory.capacityBytes)}</span>
                  </div>
                ) : null}
                <dl className="env-facts">
                  <div>
                    <dt>Capacity</dt>
                    <dd>
                      {memory.capacityBytes ? bytes(memory.capacityBytes) : 'not measured yet'}
                    </dd>
                  </div>
                  <div>
                    <dt>Committed</dt>
                    <dd>{bytes(memory.committedBytes)}</dd>
                  </div>
                  <div>
                    <dt>In use</dt>
                    <dd>{bytes(memory.inUseBytes)}</dd>
                  </div>
                  <div>
                    <dt>Waiting</dt>
                    <dd>
                      {host.waiting} ({bytes(memory.waitingBytes)})
                    </dd>
                  </div>
                  <div>
                    <dt>Asleep</dt>
                    <dd>{host.asleep}</dd>
                  </div>
                  <div>
                    <dt>Containers</dt>
                    <dd>{host.containers}</dd>
                  </div>
                  <div>
                    <dt>CPU today</dt>
                    <dd>{(host.cpuSecondsToday / 3600).toFixed(2)} h</dd>
                  </div>
                  <div>
                    <dt>Sampled</dt>
                    <dd>{host.sampledAt ? localTime(host.sampledAt) : 'never'}</dd>
                  </div>
                </dl>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}

function Queues({ system }: { system: SystemView }) {
  return (
    <>
      <h2 id="queues-title">Queues</h2>
      <p>
        Webhook inbox: <strong>{system.inbox.waiting}</strong> deliveries not processed yet.
      </p>
      {system.queues.length === 0 ? (
        <Status kind="empty">No queue exists yet.</Status>
      ) : (
        <div className="table-scroll" role="region" aria-labelledby="queues-title" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Queue</th>
                <th scope="col">Waiting</th>
                <th scope="col">Active</th>
                <th scope="col">Delayed</th>
                <th scope="col">Failed</th>
              </tr>
            </thead>
            <tbody>
              {system.queues.map((queue) => (
                <tr key={queue.queue}>
                  <th scope="row" className="queue-name">
                    {queue.queue}
                  </th>
                  <td>{queue.waiting + queue.prioritized}</td>
                  <td>{queue.active}</td>
                  <td>{queue.delayed}</td>
                  <td>{queue.failed}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
