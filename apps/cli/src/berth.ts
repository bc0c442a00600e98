import { parseArgs } from 'node:util';
import { AdminClient, type RepositorySettingsView } from './admin-client.js';
import { repoSetPatch, type RepoSetValues, UsageError } from './repo-flags.js';
import { SHARE_USAGE, shareCommand } from './share-command.js';
import { SESSIONS_USAGE, sessionsCommand } from './sessions-command.js';
import { SECRET_USAGE, secretCommand } from './secret-command.js';
import { SNAPSHOT_USAGE, snapshotCommand } from './snapshot-command.js';
import { ENV_USAGE, envCommand } from './env-command.js';
import { COST_USAGE, costCommand } from './cost-command.js';
import { TOKEN_USAGE, tokenCommand } from './token-command.js';
import { RestClient } from './rest-client.js';
import { SSO_SET_OPTIONS, SSO_USAGE } from './sso-flags.js';
import type { CliIo } from './cli-context.js';
import { exitCodeOf, RestApiError } from './exit-codes.js';
import { restToken, runProgram } from './program.js';

// `berth`: the operator's command line. commander (program.ts, decision 0032) owns the command
// tree, help and exit codes; the /admin/v1 commands below keep their node:util parseArgs flags
// and are reached through it (`dispatch`).

export type { CliIo } from './cli-context.js';

const USAGE = `usage: berth <command>

  berth repo show <owner/name> [--json]     a repository's settings (defaults when unset)
  berth repo list [--json]                  every repository with stored settings
  berth repo set <owner/name> [flags]       change settings; only the flags given change
      --enable | --disable                  allow (or refuse) previews for this repository
      --compose-path <path>                 compose file in the repository (default: discovered)
      --base-branch <branch>                branch base images and data come from
      --access-mode <private|public>        public: no access control in front of the URLs
      --ttl <24h|3d|hours>                  default time to live of a preview
      --idle-sleep <4h|hours|never>         put its previews to sleep after that long
                                            unopened (default: the operator's IDLE_SLEEP_HOURS)
      --db-mode <fresh|branch|snapshot>
      --max-memory <512m|2g>                memory ceiling per service
      --max-cpus <n>                        CPU ceiling per service
      --max-pids <n>                        process ceiling per service
      --max-services <n>                    services per environment
      --allow-variable <KEY>                a COMPOSE_VARIABLES_FILE key this repository reads
                                            (repeatable; adds to the current list)
      --no-variables                        clear the allowed variables first
      --access <sso,ip,token|none>          ways into a private preview besides share links
      --ip-allow <cidr>                     a CIDR the ip mode admits, e.g. 203.0.113.0/24
                                            (repeatable; adds to the current list)
      --no-ip-allow                         clear the IP allowlist first
      --fork-secrets | --no-fork-secrets    fork PRs get the secret layers too (default: only
                                            values Berth generates for them)
      --allow-build-secret <name>           a secret its builds may mount (compose
                                            build.secrets, BuildKit; repeatable; adds)
      --no-build-secrets                    clear the allowed build secrets first
      --slack-channel <#name|C0123ABCD>     Slack channel for its previews' messages
                                            (default: the operator's SLACK_CHANNEL)
${SSO_USAGE}
      --unset <flag-name>                   back to the default (e.g. --unset ttl)
  berth repo reset <owner/name>             forget every setting of a repository
${SHARE_USAGE}
${SESSIONS_USAGE}
${SECRET_USAGE}
${SNAPSHOT_USAGE}
${ENV_USAGE}
${COST_USAGE}
${TOKEN_USAGE}

environment:
  BERTH_API_URL       the api, default http://127.0.0.1:3000
  BERTH_ADMIN_TOKEN   the api's admin token (repo, share, sessions, snapshot,
                      secret --owner|rotate-key)
  BERTH_TOKEN         a REST API token for env, secret, cost and token (default:
                      BERTH_ADMIN_TOKEN)`;

export const SET_OPTIONS = {
  enable: { type: 'boolean' },
  disable: { type: 'boolean' },
  'compose-path': { type: 'string' },
  'base-branch': { type: 'string' },
  'access-mode': { type: 'string' },
  ttl: { type: 'string' },
  'idle-sleep': { type: 'string' },
  'db-mode': { type: 'string' },
  'max-memory': { type: 'string' },
  'max-cpus': { type: 'string' },
  'max-pids': { type: 'string' },
  'max-services': { type: 'string' },
  'allow-variable': { type: 'string', multiple: true },
  'no-variables': { type: 'boolean' },
  access: { type: 'string' },
  'ip-allow': { type: 'string', multiple: true },
  'no-ip-allow': { type: 'boolean' },
  'fork-secrets': { type: 'boolean' },
  'no-fork-secrets': { type: 'boolean' },
  'allow-build-secret': { type: 'string', multiple: true },
  'no-build-secrets': { type: 'boolean' },
  'slack-channel': { type: 'string' },
  ...SSO_SET_OPTIONS,
  unset: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Runs one command; returns the exit code (program.ts lists them: 0 ok … 5 unreachable). */
export async function runCli(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  io: CliIo,
): Promise<number> {
  try {
    return await runProgram(argv, {
      ctx: { io, env, rest: () => restClient(env) },
      apiUrl: () => apiUrl(env),
      legacy: (args) => dispatch(args, env, io),
      repo: { setOptions: SET_OPTIONS, describe },
      repoUsage: USAGE,
    });
  } catch (error) {
    const code = exitCodeOf(error);
    if (code !== undefined) {
      io.err(`berth: ${(error as Error).message}`);
      return code;
    }
    // parseArgs: unknown flags and missing values; its messages name the flag.
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`berth: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

async function dispatch(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  io: CliIo,
): Promise<number> {
  const [group, command, ...rest] = argv;
  if (!group || group === 'help' || group === '--help' || group === '-h') {
    io.out(USAGE);
    return group ? 0 : 2;
  }
  if (group === 'sessions') {
    return sessionsCommand(
      command,
      rest,
      () => new AdminClient(apiUrl(env), adminToken(env)),
      io.out,
    );
  }
  if (group === 'secret') {
    return secretCommand(
      command,
      rest,
      { rest: () => restClient(env), admin: () => new AdminClient(apiUrl(env), adminToken(env)) },
      io,
    );
  }
  if (group === 'snapshot') {
    return snapshotCommand(command, rest, () => new AdminClient(apiUrl(env), adminToken(env)), io);
  }
  if (group === 'env') {
    return envCommand(command);
  }
  if (group === 'token') {
    // The REST API's tokens (decision 0029): BERTH_TOKEN (an unrestricted admin token), else
    // the bootstrap BERTH_ADMIN_TOKEN.
    return tokenCommand(
      command,
      rest,
      () => new RestClient(apiUrl(env), env['BERTH_TOKEN']?.trim() || adminToken(env)),
      io.out,
    );
  }
  if (group === 'cost') {
    // `berth cost`, `berth cost --by day`, `berth cost acme/shop#12`, `berth cost unopened`.
    return costCommand(argv.slice(1), () => restClient(env), io.out);
  }
  if (group === 'share') {
    return shareCommand(
      command,
      rest,
      () => new AdminClient(apiUrl(env), adminToken(env)),
      env,
      io.out,
    );
  }
  if (group !== 'repo' || !command) {
    throw new UsageError(`unknown command ${JSON.stringify(argv.join(' '))}\n\n${USAGE}`);
  }
  const { values, positionals } = parseArgs({
    args: [...rest],
    options: SET_OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (command !== 'set') {
    const stray = Object.keys(values).filter((k) => k !== 'json');
    if (stray.length) throw new UsageError(`--${stray[0]} is a flag of \`berth repo set\``);
  }
  const client = () => new AdminClient(apiUrl(env), adminToken(env));
  const print = (view: RepositorySettingsView) =>
    io.out(values.json ? JSON.stringify(view, null, 2) : describe(view));

  switch (command) {
    case 'show': {
      const name = repository(positionals);
      print(await client().show(name));
      return 0;
    }
    case 'list': {
      const { repositories } = await client().list();
      if (values.json) io.out(JSON.stringify(repositories, null, 2));
      else if (!repositories.length) io.out('no repository has stored settings');
      else for (const view of repositories) io.out(describe(view));
      return 0;
    }
    case 'set': {
      const name = repository(positionals);
      // Flag mistakes first, before anything is asked of the api.
      let patch = repoSetPatch(values as RepoSetValues);
      const api = client();
      // --allow-variable and --ip-allow add to what is there now: read it, then build again.
      const addsVariables = values['allow-variable']?.length && !values['no-variables'];
      const addsIps = values['ip-allow']?.length && !values['no-ip-allow'];
      const addsBuildSecrets = values['allow-build-secret']?.length && !values['no-build-secrets'];
      const addsSso =
        !values['no-sso-allow'] &&
        [values['sso-allow-email'], values['sso-allow-domain'], values['sso-allow-group']].some(
          (list) => list?.length,
        );
      if (addsVariables || addsIps || addsSso || addsBuildSecrets) {
        const current = await api.show(name);
        patch = repoSetPatch(
          values as RepoSetValues,
          current.allowedVariables,
          current.ipAllowlist ?? [],
          current,
          current.buildSecrets ?? [],
        );
      }
      print(await api.update(name, patch));
      return 0;
    }
    case 'rotate-bypass': {
      const name = repository(positionals);
      const rotated = await client().rotateBypassToken(name);
      if (values.json) {
        io.out(JSON.stringify(rotated, null, 2));
        return 0;
      }
      io.out(`${rotated.repository}: new bypass secret (shown once; the old one no longer works):`);
      io.out(`  ${rotated.secret}`);
      io.out(`send it as the header ${rotated.header}: <secret>`);
      if (!rotated.tokenModeEnabled) {
        io.out(
          `the token mode is off: enable it with berth repo set ${rotated.repository} --access token`,
        );
      }
      return 0;
    }
    case 'reset': {
      const name = repository(positionals);
      const view = await client().reset(name);
      io.out(view.removed ? `${view.fullName}: settings removed` : `${view.fullName}: had none`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command \`repo ${command}\`\n\n${USAGE}`);
  }
}

function repository(positionals: string[]): string {
  const [name, ...extra] = positionals;
  if (!name || extra.length)
    throw new UsageError('give one repository as owner/name (e.g. acme/shop)');
  if (!/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(name)) {
    throw new UsageError(
      `repository must be owner/name (e.g. acme/shop), got ${JSON.stringify(name)}`,
    );
  }
  return name;
}

function apiUrl(env: Record<string, string | undefined>): string {
  const url = env['BERTH_API_URL']?.trim() || 'http://127.0.0.1:3000';
  try {
    if (!/^https?:$/.test(new URL(url).protocol)) throw new Error();
  } catch {
    throw new UsageError(
      `BERTH_API_URL must be an http(s) URL such as http://127.0.0.1:3000, got ${JSON.stringify(url)}`,
    );
  }
  return url;
}

function restClient(env: Record<string, string | undefined>): RestClient {
  const token = restToken(env);
  if (!token) {
    throw new RestApiError(
      'no token: export BERTH_TOKEN (from `berth token create`) or BERTH_ADMIN_TOKEN',
      401,
    );
  }
  return new RestClient(apiUrl(env), token);
}

function adminToken(env: Record<string, string | undefined>): string {
  const token = env['BERTH_ADMIN_TOKEN']?.trim();
  if (!token) {
    throw new UsageError(
      "BERTH_ADMIN_TOKEN is not set: export the api's admin token (BERTH_ADMIN_TOKEN on the api)",
    );
  }
  return token;
}

/** The human form: one line per setting, defaults marked. */
export function describe(view: RepositorySettingsView): string {
  const dflt = (value: unknown, fallback: string) =>
    value === undefined ? `${fallback} (default)` : String(value);
  return [
    `${view.fullName}${view.configured ? '' : ' (no stored settings: defaults)'}`,
    `  enabled:            ${view.enabled}`,
    `  access mode:        ${view.accessMode}`,
    `  compose path:       ${dflt(view.composePath, 'discovered')}`,
    `  base branch:        ${dflt(view.baseBranch, 'repository default')}`,
    `  default TTL:        ${dflt(view.defaultTtlHours === undefined ? undefined : `${view.defaultTtlHours}h`, '72h')}`,
    `  idle sleep:         ${dflt(view.idleSleepHours === undefined ? undefined : view.idleSleepHours === 0 ? 'never' : `after ${view.idleSleepHours}h unopened`, 'operator default')}`,
    `  default DB mode:    ${dflt(view.defaultDbMode, 'fresh')}`,
    `  max memory:         ${dflt(view.maxMemoryMb === undefined ? undefined : `${view.maxMemoryMb} MiB`, 'operator default')}`,
    `  max CPUs:           ${dflt(view.maxCpus, 'operator default')}`,
    `  max pids:           ${dflt(view.maxPids, 'operator default')}`,
    `  max services:       ${dflt(view.maxServices, 'operator default')}`,
    `  allowed variables:  ${view.allowedVariables.length ? view.allowedVariables.join(', ') : 'none'}`,
    `  access modes:       ${view.accessModes?.length ? view.accessModes.join(', ') : 'none (share links only)'}`,
    `  IP allowlist:       ${view.ipAllowlist?.length ? view.ipAllowlist.join(', ') : 'none'}`,
    `  SSO GitHub org:     ${view.ssoGithubOrg ? `${view.ssoGithubOrg}${view.ssoGithubTeam ? ` (team ${view.ssoGithubTeam})` : ''}` : 'none (repository readers only)'}`,
    `  SSO allowed (OIDC): ${[...(view.ssoAllowedEmails ?? []), ...(view.ssoAllowedDomains ?? []).map((d) => `@${d}`), ...(view.ssoAllowedGroups ?? []).map((g) => `group ${g}`)].join(', ') || 'nobody'}`,
    `  bypass secret:      ${view.bypassTokenSet ? 'set' : 'not set'}`,
    `  fork PR secrets:    ${view.forkSecrets ? 'secret layers too' : 'generated only (default)'}`,
    `  build secrets:      ${view.buildSecrets?.length ? view.buildSecrets.join(', ') : 'none'}`,
    `  Slack channel:      ${dflt(view.slackChannel, "operator's SLACK_CHANNEL")}`,
  ].join('\n');
}
