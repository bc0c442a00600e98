import { type Command, InvalidArgumentError } from 'commander';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { ApiError } from '../admin-client.js';
import type { CliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import type { LogQuery } from '../rest-client.js';
import { ENV_REF_HELP, environmentArgument, resolveEnvironmentId } from './environment-target.js';

// `berth env logs <env> --service web [--tail N] [-f]` (decision 0032): the api relays the
// worker's reading of Docker as server-sent events (`log` events, then one `end`, which carries
// `error: true` when the worker could not read the log), parsed with eventsource-parser. The route is not in the generated OpenAPI types yet, so its event is
// described here; move to the generated schema once the route documents it.

/** The data of one `log` event. */
export interface LogEvent {
  service: string;
  stream: 'stdout' | 'stderr';
  /** ISO 8601, Docker's timestamp of the line. */
  time: string;
  line: string;
}

/** The data of the `end` event: why the stream ended. */
interface EndEvent {
  reason?: string;
  error?: boolean;
}

/** The `log` events of an SSE body, in order, until `end` (or the body ends). */
export async function* logEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<LogEvent> {
  const pending: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => pending.push(event) });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    while (pending.length) {
      const event = pending.shift()!;
      if (event.event === 'end') {
        const end = parseJson<EndEvent>(event.data);
        if (end?.error)
          throw new ApiError(`the log stream failed: ${end.reason ?? 'no reason given'}`);
        return;
      }
      if (event.event === 'error') throw new ApiError(errorDetail(event.data));
      if (event.event === 'log' || event.event === undefined) {
        yield JSON.parse(event.data) as LogEvent;
      }
    }
  }
}

/** The human form: the line as the service wrote it, with its time when asked. */
export function logLine(event: LogEvent, timestamps: boolean): string {
  return timestamps ? `${event.time} ${event.line}` : event.line;
}

/** The route's query: the service, the tail and follow (`'true'`, as the api spells it). */
export function logsQuery(options: { service: string; tail?: number; follow: boolean }): LogQuery {
  return {
    service: options.service,
    ...(options.tail === undefined ? {} : { tail: options.tail }),
    ...(options.follow ? { follow: 'true' as const } : {}),
  };
}

export function envLogsCommand(env: Command, ctx: CliContext, exit: (code: number) => void) {
  env
    .command('logs')
    .summary("a service's logs; -f keeps following")
    .argument('<env>', ENV_REF_HELP, environmentArgument)
    .requiredOption('--service <name>', 'the compose service, e.g. web')
    .option('--tail <n>', 'start with the last n lines', (value: string) => {
      if (!/^\d{1,6}$/.test(value)) throw new InvalidArgumentError('a number of lines');
      return Number(value);
    })
    .option('-f, --follow', 'keep streaming new lines until interrupted or the preview goes')
    .option('-t, --timestamps', "prefix each line with Docker's timestamp")
    .option('--json', 'one JSON object per line: {service, stream, time, line}')
    .action(
      async (
        ref: string,
        opts: {
          service: string;
          tail?: number;
          follow?: boolean;
          timestamps?: boolean;
          json?: boolean;
        },
      ) => {
        const client = ctx.rest();
        const id = await resolveEnvironmentId(client, ref);
        const body = await client.logStream(
          id,
          logsQuery({
            service: opts.service,
            ...(opts.tail === undefined ? {} : { tail: opts.tail }),
            follow: opts.follow ?? false,
          }),
        );
        for await (const event of logEvents(body)) {
          ctx.io.out(opts.json ? JSON.stringify(event) : logLine(event, opts.timestamps ?? false));
        }
        exit(EXIT.ok);
      },
    );
}

function errorDetail(data: string): string {
  return parseJson<{ detail?: string }>(data)?.detail ?? data;
}

function parseJson<T>(data: string): T | undefined {
  try {
    return JSON.parse(data) as T;
  } catch {
    return undefined;
  }
}
