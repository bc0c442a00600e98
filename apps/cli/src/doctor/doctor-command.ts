import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { json } from '../format.js';
import { progress } from '../progress.js';
import type { RestClient } from '../rest-client.js';
import { checkApi } from './api-check.js';
import type { CheckResult } from './check.js';
import { checkConfig } from './config-check.js';
import { checkDns } from './dns-check.js';
import { checkDocker } from './docker-check.js';
import { checkGitHubApp } from './github-app-check.js';
import { checkPostgres } from './postgres-check.js';
import { checkRedisReachable } from './redis-check.js';
import { checkSecretsManager } from './secrets-manager-check.js';

// `berth doctor` (decision 0032): is this installation able to run previews? Each check says
// ok or what is wrong and how to fix it. It reads the same variables as the control plane
// (libs/config), so run it with their environment (e.g. `set -a; . /etc/berth/berth.env`).

export interface DoctorReport {
  ok: boolean;
  checks: CheckResult[];
}

export async function runDoctor(options: {
  env: CliContext['env'];
  apiUrl: string;
  client: RestClient | undefined;
}): Promise<DoctorReport> {
  const { env } = options;
  const checks = (
    await Promise.all([
      [checkConfig(env)],
      checkApi(options.apiUrl, options.client).then((c) => [c]),
      checkDocker(env).then((c) => [c]),
      checkPostgres(env),
      checkRedisReachable(env).then((c) => [c]),
      checkGitHubApp(env).then((c) => [c]),
      checkDns(env),
      checkSecretsManager(env).then((c) => [c]),
    ])
  ).flat();
  return { ok: checks.every((c) => c.status !== 'fail'), checks };
}

/** The human report: one line per check, the fix under each failure. */
export function describeReport(report: DoctorReport): string[] {
  const mark = { ok: 'ok  ', fail: 'FAIL', skip: 'skip' } as const;
  const width = Math.max(...report.checks.map((c) => c.name.length));
  const lines: string[] = [];
  for (const check of report.checks) {
    lines.push(`${mark[check.status]}  ${check.name.padEnd(width)}  ${check.detail}`);
    if (check.fix) lines.push(`${' '.repeat(width + 8)}fix: ${check.fix}`);
  }
  const failed = report.checks.filter((c) => c.status === 'fail').map((c) => c.name);
  lines.push(
    failed.length
      ? `\n${failed.length} check(s) failed: ${failed.join(', ')}`
      : '\nall checks passed',
  );
  return lines;
}

export function registerDoctor(
  program: Command,
  ctx: CliContext,
  exit: (code: number) => void,
  api: { url: () => string; client: () => RestClient | undefined },
) {
  program
    .command('doctor')
    .summary('check the api, Docker, Postgres, Redis, the GitHub App, DNS and AWS')
    .description(
      'Checks what the control plane needs, naming what is wrong and how to fix it. It reads ' +
        "the control plane's variables (DATABASE_URL, REDIS_URL, DOCKER_HOST, GITHUB_APP_ID, " +
        'BASE_DOMAIN, DNS_PROVIDER, SECRET_BACKEND, AWS_*), so run it with their environment. ' +
        'Exits 1 when any check fails.',
    )
    .option('--json', 'print {ok, checks: [{name, status, detail, fix}]}')
    .action(async (opts: { json?: boolean }) => {
      const spinner = progress(ctx.io.progress);
      spinner.update('checking…');
      const report = await runDoctor({
        env: ctx.env,
        apiUrl: api.url(),
        client: api.client(),
      }).finally(() => spinner.stop());
      if (opts.json) ctx.io.out(json(report));
      else for (const line of describeReport(report)) ctx.io.out(line);
      exit(report.ok ? EXIT.ok : EXIT.failed);
    });
}
