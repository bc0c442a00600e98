import { useEffect, useRef, useState } from 'react';
import { ApiError, type LogLine } from '../api.js';
import { Status } from '../components/Status.js';
import { clockTime, localTime } from '../format.js';
import { streamLogs } from '../logs.js';
import { appendBounded } from '../sse.js';

/** Lines kept on screen: a service that logs for hours must not fill the tab's memory. */
export const LOG_BUFFER_LINES = 2_000;
const TAIL_LINES = 200;

type StreamState =
  | { kind: 'connecting' }
  | { kind: 'streaming' }
  | { kind: 'ended'; reason: string; error: boolean }
  | { kind: 'failed'; message: string };

/** One service's log, tailed then followed live; pause holds new lines back without losing them. */
export function LogsPanel({
  environmentId,
  services,
}: {
  environmentId: string;
  services: string[];
}) {
  const [picked, setService] = useState(services[0] ?? '');
  // The detail is polled: services can appear after the panel (a build finishing).
  const service = services.includes(picked) ? picked : (services[0] ?? '');
  const [lines, setLines] = useState<LogLine[]>([]);
  const [held, setHeld] = useState<LogLine[]>([]);
  const [paused, setPaused] = useState(false);
  const [state, setState] = useState<StreamState>({ kind: 'connecting' });
  const [attempt, setAttempt] = useState(0);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const box = useRef<HTMLPreElement>(null);

  useEffect(() => {
    if (!service) return;
    const abort = new AbortController();
    setLines([]);
    setHeld([]);
    setState({ kind: 'connecting' });
    streamLogs(
      environmentId,
      { service, tail: TAIL_LINES, follow: true },
      {
        onLines: (more) => {
          setState({ kind: 'streaming' });
          if (pausedRef.current) setHeld((old) => appendBounded(old, more, LOG_BUFFER_LINES));
          else setLines((old) => appendBounded(old, more, LOG_BUFFER_LINES));
        },
        onEnd: (reason, error) => setState({ kind: 'ended', reason, error }),
      },
      abort.signal,
    )
      .then(() => undefined)
      .catch((error: unknown) => {
        if (abort.signal.aborted) return;
        setState({
          kind: 'failed',
          message:
            error instanceof ApiError && error.status === 503
              ? `${error.message}. Try again in a few seconds.`
              : error instanceof Error
                ? error.message
                : String(error),
        });
      });
    // Leaving the page or picking another service closes the stream: the worker stops reading.
    return () => abort.abort();
  }, [environmentId, service, attempt]);

  useEffect(() => {
    const element = box.current;
    if (element && !paused) element.scrollTop = element.scrollHeight;
  }, [lines, paused]);

  if (services.length === 0) {
    return (
      <section aria-labelledby="logs-title">
        <h2 id="logs-title">Logs</h2>
        <Status kind="empty">No service has been built yet, so there is no log to read.</Status>
      </section>
    );
  }

  return (
    <section aria-labelledby="logs-title" className="logs">
      <h2 id="logs-title">Logs</h2>
      <div className="filters">
        <div className="field">
          <label htmlFor="log-service">Service</label>
          <select
            id="log-service"
            value={service}
            onChange={(event) => setService(event.target.value)}
          >
            {services.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div className="field-buttons">
          <button
            type="button"
            className="secondary"
            aria-pressed={paused}
            onClick={() => {
              if (paused) {
                setLines((old) => appendBounded(old, held, LOG_BUFFER_LINES));
                setHeld([]);
              }
              setPaused(!paused);
            }}
          >
            {paused ? `Resume${held.length ? ` (${held.length} new)` : ''}` : 'Pause'}
          </button>
          {state.kind === 'ended' || state.kind === 'failed' ? (
            <button type="button" className="secondary" onClick={() => setAttempt((n) => n + 1)}>
              Reconnect
            </button>
          ) : null}
        </div>
      </div>
      <p className="log-state" role="status" data-testid="log-state">
        {state.kind === 'connecting'
          ? `Connecting to ${service}…`
          : state.kind === 'streaming'
            ? paused
              ? 'Paused: new lines are held back.'
              : `Following ${service} (newest ${LOG_BUFFER_LINES} lines kept).`
            : state.kind === 'ended'
              ? `Stream ended: ${state.reason}.`
              : null}
      </p>
      {state.kind === 'failed' ? (
        <Status kind="error">Could not read the log: {state.message}</Status>
      ) : null}
      {lines.length === 0 && state.kind !== 'failed' ? (
        <Status kind={state.kind === 'connecting' ? 'loading' : 'empty'}>
          {state.kind === 'connecting' ? 'Waiting for the first lines…' : 'No log lines yet.'}
        </Status>
      ) : null}
      {lines.length > 0 ? (
        <pre
          ref={box}
          className="log-lines"
          tabIndex={0}
          aria-label={`${service} log`}
          data-testid="log-lines"
        >
          {lines.map((line, index) => (
            <span key={index} className={`log-line log-${line.stream}`}>
              <time dateTime={line.time} title={localTime(line.time)}>
                {clockTime(line.time)}
              </time>{' '}
              {line.line}
              {'\n'}
            </span>
          ))}
        </pre>
      ) : null}
    </section>
  );
}
