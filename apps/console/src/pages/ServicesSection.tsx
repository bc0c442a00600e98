import { useQuery } from '@tanstack/react-query';
import { api, type EnvironmentDetail, unwrap } from '../api.js';
import { StateBadge } from '../components/StateBadge.js';
import { Status } from '../components/Status.js';
import { bytes, clockTime } from '../format.js';

/** The worker samples every COST_SAMPLE_INTERVAL_S; a few polls per sample is enough. */
const SERVICES_POLL_MS = 10_000;

/**
 * Each service: its image (built or reused), and its container as the worker last sampled it:
 * state, health, restarts, CPU over the last window and memory against its limit.
 */
export function ServicesSection({ env }: { env: EnvironmentDetail }) {
  const sampled = useQuery({
    queryKey: ['environment-services', env.id],
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/environments/{id}/services', { params: { path: { id: env.id } } }),
      ),
    refetchInterval: SERVICES_POLL_MS,
  });
  const statusOf = new Map((sampled.data?.services ?? []).map((s) => [s.service, s]));
  const asOf = sampled.data?.services[0]?.sampledAt;
  return (
    <section aria-labelledby="services-title">
      <h2 id="services-title">Services</h2>
      {env.services.length === 0 ? (
        <Status kind="empty">No service images recorded yet.</Status>
      ) : (
        <>
          <p className="muted" data-testid="services-sampled">
            {sampled.isError
              ? `Could not read the services' state: ${sampled.error.message}`
              : asOf
                ? `State and use as of ${clockTime(asOf)}.`
                : 'No sample of the running containers yet.'}
          </p>
          <ul className="services">
            {env.services.map((service) => {
              const status = statusOf.get(service.name);
              return (
                <li key={service.name} data-service={service.name}>
                  <strong>{service.name}</strong> <code className="image">{service.image}</code> (
                  {service.source})
                  {status ? (
                    <span className="service-status">
                      {' '}
                      <StateBadge state={status.state} />
                      {status.health ? (
                        <>
                          {' '}
                          <StateBadge state={status.health} />
                        </>
                      ) : null}{' '}
                      {status.state !== 'running' ? null : (
                        <span data-testid="service-use">
                          CPU{' '}
                          {status.cpuPercent === null ? '—' : `${status.cpuPercent.toFixed(1)} %`}
                          {' · memory '}
                          {bytes(status.memoryBytes)}
                          {status.memoryLimitBytes ? ` of ${bytes(status.memoryLimitBytes)}` : ''}
                          {status.restarts > 0 ? ` · ${status.restarts} restarts` : ''}
                        </span>
                      )}
                    </span>
                  ) : null}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}
