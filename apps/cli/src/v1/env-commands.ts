import { type Command, InvalidArgumentError, Option } from 'commander';
import { parseTtl } from '@berth/core';
import type { CliContext } from '../cli-context.js';
import { extensionMs, sleepLine } from '../env-command.js';
import { EXIT } from '../exit-codes.js';
import { json, minute, table } from '../format.js';
import { progress } from '../progress.js';
import type {
  EnvironmentDetail,
  EnvironmentState,
  EnvironmentSummary,
  RestClient,
} from '../rest-client.js';
import { ttlSeconds } from '../share-command.js';
import {
  ENV_REF_HELP,
  environmentArgument,
  label,
  parseEnvironmentRef,
  resolveEnvironmentId,
} from './environment-target.js';
import { followEnvironment, targetGeneration } from './follow-environment.js';
import { envLogsCommand } from './env-logs.js';

// `berth env ls|show|redeploy|rebuild|destroy|extend|sleep|wake|link|logs` on the REST API v1
// (decision 0032).

/**
 * How long `env sleep|wake` ask the api to wait for the worker's answer by default: a sleep
 * stops every container with its grace period (10 s for a service that ignores SIGTERM) and a
 * wake waits for health checks, so the 20 s default of the api answered `queued` too often.
 */
const SLEEP_WAIT_S = 60;

/** Every state the api filters by; `satisfies` keeps it in step with the generated types. */
export const ENVIRONMENT_STATES = [
  'pending',
  'held',
  'skipped',
  'building',
  'provisioning',
  'ready',
  'failed',
  'destroying',
  'destroyed',
] as const satisfies readonly EnvironmentState[];

const ENV_REF = '<env>';

export function registerEnvCommands(env: Command, ctx: CliContext, exit: (code: number) => void) {
  env
    .command('ls')
    .alias('list')
    .summary('list environments (every page), newest first')
    .option('--repo <owner/name>', 'only this repository')
    .addOption(new Option('--state <state>', 'only this state').choices(ENVIRONMENT_STATES))
    .option('--json', 'print JSON')
    .action(async (opts: { repo?: string; state?: EnvironmentState; json?: boolean }) => {
      const rows = await ctx.rest().environments({
        ...(opts.repo ? { repository: opts.repo } : {}),
        ...(opts.state ? { state: opts.state } : {}),
      });
      if (opts.json) ctx.io.out(json(rows));
      else if (!rows.length) ctx.io.out('no environments');
      else for (const line of environmentTable(rows)) ctx.io.out(line);
      exit(EXIT.ok);
    });

  env
    .command('show')
    .summary('one environment: state, stages, services and URLs')
    .argument(ENV_REF, ENV_REF_HELP, environmentArgument)
    .option('--json', 'print JSON')
    .action(async (ref: string, opts: { json?: boolean }) => {
      const client = ctx.rest();
      const detail = await client.environment(await resolveEnvironmentId(client, ref));
      ctx.io.out(opts.json ? json(detail) : describeEnvironment(detail));
      exit(EXIT.ok);
    });

  for (const [action, summary] of [
    ['redeploy', "deploy the PR's head again as a new generation, then wait until ready"],
    ['rebuild', 'redeploy, building every image without the cache, then wait until ready'],
    ['destroy', 'tear the preview down (the PR stays open), then wait until it is gone'],
  ] as const) {
    env
      .command(action)
      .summary(summary)
      .argument(ENV_REF, ENV_REF_HELP, environmentArgument)
      .option('--no-follow', 'return once a worker took the job; do not wait for the outcome')
      .option(
        '--wait <seconds>',
        'how long the api waits for a worker to take the job (0-60)',
        int(0, 60),
      )
      .addOption(
        new Option('--timeout <duration>', 'give up following after this long, e.g. 30m')
          .argParser(duration)
          .default(15 * 60_000, '15m'),
      )
      .option('--idempotency-key <key>', 'repeat a request safely: the same key acts once')
      .option('--json', 'print JSON (the action, then the environment once it settles)')
      .action(async (ref: string, opts: ActionOpts) => {
        exit(await runAction(ctx, action, ref, opts));
      });
  }

  env
    .command('extend')
    .summary('keep a preview longer: its expiry moves by that much past the later of now and it')
    .argument(ENV_REF, ENV_REF_HELP)
    // `berth env extend acme/shop 12` (the form before decision 0032) still works.
    .argument('[pr]', 'the PR number, when <env> is only owner/name')
    .requiredOption('--by <1m..14d>', 'how much longer, e.g. 24h')
    .option('--idempotency-key <key>', 'repeat a request safely: the same key acts once')
    .option('--json', 'print JSON')
    .action(async (env: string, pr: string | undefined, opts: ExtendOpts) => {
      const ref = environmentArgumentOrUsage(pr === undefined ? env : `${env}#${pr}`);
      extensionMs(opts.by);
      const client = ctx.rest();
      const id = await resolveEnvironmentId(client, ref);
      const before = await client.environment(id);
      const result = await client.act(id, 'extend', {
        by: opts.by.trim(),
        ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
      });
      if (opts.json) ctx.io.out(json(result));
      else if (result.status === 'extended') {
        ctx.io.out(
          `${label(before)} now expires at ${result.expiresAt}` +
            (before.expiresAt ? ` (was ${before.expiresAt})` : ''),
        );
      } else {
        ctx.io.out(`${label(before)}: extension ${result.status} (job ${result.jobId})`);
      }
      exit(result.status === 'extended' ? EXIT.ok : EXIT.failed);
    });

  for (const [action, summary] of [
    [
      'sleep',
      "stop a ready preview's containers (data kept); a request through the gateway wakes it",
    ],
    ['wake', 'start a sleeping preview again now'],
  ] as const) {
    env
      .command(action)
      .summary(summary)
      .argument(ENV_REF, ENV_REF_HELP)
      // `berth env sleep acme/shop 12` (the form before decision 0032) still works.
      .argument('[pr]', 'the PR number, when <env> is only owner/name')
      .option(
        '--wait <seconds>',
        "how long the api waits for the worker's answer (0-60)",
        int(0, 60),
        SLEEP_WAIT_S,
      )
      .option('--idempotency-key <key>', 'repeat a request safely: the same key acts once')
      .option('--json', 'print JSON')
      .action(async (env: string, pr: string | undefined, opts: SleepOpts) => {
        const ref = environmentArgumentOrUsage(pr === undefined ? env : `${env}#${pr}`);
        const client = ctx.rest();
        const id = await resolveEnvironmentId(client, ref);
        const before = await client.environment(id);
        const result = await client.act(id, action, {
          wait: opts.wait,
          ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
        });
        ctx.io.out(opts.json ? json(result) : sleepLine(action, label(before), result));
        // `queued`: the job still runs, but nothing says it did what was asked.
        exit(result.status === 'queued' ? EXIT.failed : EXIT.ok);
      });
  }

  env
    .command('link')
    .summary('mint a share link per service (shown once)')
    .argument(ENV_REF, ENV_REF_HELP, environmentArgument)
    .option('--ttl <1h..7d>', 'how long the link works', '24h')
    .option('--note <text>', 'who it is for')
    .option('--json', 'print JSON')
    .action(async (ref: string, opts: { ttl: string; note?: string; json?: boolean }) => {
      const ttl = ttlSeconds(opts.ttl);
      const client = ctx.rest();
      const id = await resolveEnvironmentId(client, ref);
      const minted = await client.mintShareLink(id, {
        ttlSeconds: ttl,
        ...(opts.note ? { note: opts.note } : {}),
      });
      if (opts.json) {
        ctx.io.out(json(minted));
      } else {
        ctx.io.out(`share link ${minted.id}, until ${minted.expiresAt} (shown once):`);
        for (const [service, url] of Object.entries(minted.links)) {
          ctx.io.out(`  ${service}: ${url}`);
        }
      }
      exit(EXIT.ok);
    });

  envLogsCommand(env, ctx, exit);
}

interface SleepOpts {
  wait: number;
  idempotencyKey?: string;
  json?: boolean;
}

interface ExtendOpts {
  by: string;
  idempotencyKey?: string;
  json?: boolean;
}

/** A malformed name as a usage error (exit 2), for arguments commander does not parse. */
function environmentArgumentOrUsage(input: string): string {
  parseEnvironmentRef(input);
  return input.trim();
}

interface ActionOpts {
  follow: boolean;
  wait?: number;
  timeout: number;
  idempotencyKey?: string;
  json?: boolean;
}

async function runAction(
  ctx: CliContext,
  action: 'redeploy' | 'rebuild' | 'destroy',
  ref: string,
  opts: ActionOpts,
): Promise<number> {
  const client: RestClient = ctx.rest();
  const id = await resolveEnvironmentId(client, ref);
  const before = await client.environment(id);
  const result = await client.act(id, action, {
    ...(opts.wait === undefined ? {} : { wait: opts.wait }),
    ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
  });
  const name = label(before);
  if (opts.json) ctx.io.out(json(result));
  else ctx.io.out(actionLine(name, result));
  if (!opts.follow || result.status === 'skipped' || result.status === 'unmarked') {
    return EXIT.ok;
  }
  const spinner = progress(ctx.io.progress);
  const settled = await followEnvironment({
    client,
    id,
    action,
    generation: targetGeneration(before, result),
    timeoutMs: opts.timeout,
    progress: spinner,
  }).finally(() => spinner.stop());
  if (opts.json) ctx.io.out(json(settled.environment));
  switch (settled.outcome) {
    case 'done':
      if (!opts.json) ctx.io.out(doneLine(action, settled.environment));
      return EXIT.ok;
    case 'failed':
      ctx.io.err(
        `berth: ${name} ${action} failed: ${settled.reason} (see \`berth env show ${name}\`)`,
      );
      return EXIT.failed;
    case 'timeout':
      ctx.io.err(
        `berth: ${name} is still ${settled.environment.state} after ${Math.round(opts.timeout / 1000)} s; ` +
          `the job goes on (follow it with \`berth env show ${name}\`)`,
      );
      return EXIT.failed;
  }
}

export function actionLine(
  name: string,
  result: {
    action: string;
    status: string;
    jobId: string;
    generation: number | null;
    detail?: string;
  },
): string {
  const detail = result.detail ? ` (${result.detail})` : '';
  if (result.status === 'queued') {
    return `${name}: ${result.action} queued (job ${result.jobId}); no worker took it yet, it still runs`;
  }
  const generation = result.generation === null ? '' : ` generation ${result.generation}`;
  return `${name}: ${result.status}${generation}${detail}`;
}

function doneLine(action: string, env: EnvironmentDetail): string {
  if (action === 'destroy') return `${label(env)} is destroyed`;
  const urls = Object.entries(env.urls).map(([service, url]) => `\n  ${service}: ${url}`);
  return `${label(env)} is ready (generation ${env.generation})${urls.join('')}`;
}

/** The human `env ls`. */
export function environmentTable(rows: readonly EnvironmentSummary[]): string[] {
  return table(
    ['ID', 'ENVIRONMENT', 'STATE', 'GEN', 'BRANCH', 'UPDATED', 'EXPIRES'],
    rows.map((e) => [
      e.id,
      label(e),
      e.sleptAt && e.state === 'ready' ? 'ready (asleep)' : e.state,
      String(e.generation),
      e.branch,
      minute(e.updatedAt),
      minute(e.expiresAt),
    ]),
  );
}

/** The human `env show`. */
export function describeEnvironment(env: EnvironmentDetail): string {
  const lines = [
    `${label(env)} (${env.id})`,
    `  state:       ${env.state}${env.sleptAt ? ` (asleep since ${minute(env.sleptAt)})` : ''}`,
    `  generation:  ${env.generation} at ${env.headSha.slice(0, 12)} on ${env.branch}${env.isFork ? ' (fork)' : ''}`,
    `  ready at:    ${minute(env.readyAt)}`,
    `  expires:     ${minute(env.expiresAt)}`,
  ];
  const urls = Object.entries(env.urls);
  if (urls.length) lines.push('  urls:', ...urls.map(([s, u]) => `    ${s}: ${u}`));
  if (env.services.length) {
    lines.push(
      '  services:',
      ...env.services.map((s) => `    ${s.name}: ${s.image} (${s.source})`),
    );
  }
  if (env.stages.length) {
    lines.push(
      '  stages:',
      ...table(
        ['STAGE', 'STATUS', 'ATTEMPT', 'TOOK', 'ERROR'],
        env.stages.map((s) => [
          s.stage,
          s.status,
          String(s.attempt),
          s.durationMs === null ? '-' : `${(s.durationMs / 1000).toFixed(1)} s`,
          s.error ?? '',
        ]),
      ).map((line) => `    ${line}`),
    );
  }
  return lines.join('\n');
}

function int(min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`a whole number from ${min} to ${max}`);
    }
    return Number(value);
  };
}

/** `--timeout 10m`: the ttl: label's units. */
function duration(value: string): number {
  try {
    return parseTtl(value.trim());
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}
