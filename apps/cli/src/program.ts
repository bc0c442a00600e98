import { Command, CommanderError } from 'commander';
import type { CliContext } from './cli-context.js';
import { COST_USAGE } from './cost-command.js';
import { registerDoctor } from './doctor/doctor-command.js';
import { EXIT } from './exit-codes.js';
import { RestClient } from './rest-client.js';
import { SECRET_USAGE } from './secret-command.js';
import { SESSIONS_USAGE } from './sessions-command.js';
import { SHARE_USAGE } from './share-command.js';
import { SNAPSHOT_USAGE } from './snapshot-command.js';
import { TOKEN_USAGE } from './token-command.js';
import { registerEnvCommands } from './v1/env-commands.js';
import { registerRepoCommands } from './v1/repo-commands.js';

// `berth` on commander (decision 0032): the command tree, help per command and the exit codes.
// Commands on the REST API v1 are commander commands through and through. The commands with
// their own flag parsing (node:util parseArgs, their specs pin its messages) — on /admin/v1:
// repo show|set, share, sessions, snapshot, secret --owner|rotate-key; on v1: secret, cost,
// token — are reached with the arguments untouched, and their usage is their help.

export interface ProgramOptions {
  ctx: CliContext;
  apiUrl: () => string;
  /** The /admin/v1 commands of berth.ts, given the whole argv (`['repo', 'set', …]`). */
  legacy: (argv: string[]) => Promise<number>;
  /** berth.ts's `repo set` flags and settings printer, shared with `repo settings`. */
  repo: Parameters<typeof registerRepoCommands>[3];
  repoUsage: string;
}

const FOOTER = `
Environment:
  BERTH_API_URL      the api, default http://127.0.0.1:3000
  BERTH_TOKEN        a REST API token (\`berth token create\`) for the /api/v1 commands
                     (env, repo ls|settings, secret, cost, token, doctor); default
                     BERTH_ADMIN_TOKEN
  BERTH_ADMIN_TOKEN  the api's admin token (repo show|set, share, sessions, snapshot,
                     secret --owner|rotate-key)

Exit codes:
  0  ok
  1  the api refused or failed (a check failed, a redeploy failed, a scope too low)
  2  usage: an unknown command or flag, a value in the wrong form
  3  not found: no such environment, repository or token (or not one the token may see)
  4  not authenticated: the token is missing, unknown, expired or revoked
  5  the api is unreachable at BERTH_API_URL
  (commands on /admin/v1 exit 1 for every refusal, as before: repo show|list|set|
  rotate-bypass|reset, share, sessions, snapshot, secret --owner|rotate-key)`;

/** Runs argv; returns the exit code. Errors a command throws are the caller's (berth.ts). */
export async function runProgram(
  argv: readonly string[],
  options: ProgramOptions,
): Promise<number> {
  let code: number = EXIT.ok;
  const exit = (value: number) => {
    code = value;
  };
  const program = buildProgram(options, exit);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // Help asked for: 0. Help because nothing was asked (`berth`, `berth env`): usage, 2.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
    return EXIT.usage;
  }
  return code;
}

function buildProgram(options: ProgramOptions, exit: (code: number) => void): Command {
  const { ctx, legacy } = options;
  const program = new Command('berth')
    .description(
      "Berth's command line: previews, repositories, tokens and the health of the install",
    )
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', FOOTER);
  // In process (tests, and main.ts too): nothing here may call process.exit or print directly.
  const configure = (command: Command) =>
    command.exitOverride().configureOutput({
      writeOut: (text) => ctx.io.out(text.trimEnd()),
      writeErr: (text) => ctx.io.err(text.trimEnd().replace(/^error: /, 'berth: ')),
    });
  const passThrough = (parent: Command, name: string, summary: string, usage: string) =>
    parent
      .command(name)
      .summary(summary)
      .argument('[args...]')
      .allowUnknownOption()
      .allowExcessArguments()
      .helpOption('-h, --help', 'show its usage')
      .addHelpText('after', `\n${usage}`)
      .action(async (args: string[]) => {
        const group = parent.parent ? [parent.name()] : [];
        exit(await legacy([...group, name, ...args]));
      });

  const env = program.command('env').summary('preview environments: list, show, act, logs, links');
  registerEnvCommands(env, ctx, exit);

  const repo = program.command('repo').summary('repositories and their operator settings');
  registerRepoCommands(repo, ctx, exit, options.repo);
  passThrough(repo, 'show', "a repository's settings (/admin/v1)", options.repoUsage);
  passThrough(repo, 'list', 'every repository with stored settings (/admin/v1)', options.repoUsage);
  passThrough(repo, 'set', 'change settings; only the flags given change', options.repoUsage);
  passThrough(
    repo,
    'rotate-bypass',
    'a new bypass secret for the token access mode',
    options.repoUsage,
  );
  passThrough(repo, 'reset', 'forget every setting of a repository', options.repoUsage);
  // Anything else under `repo` or `env`: berth.ts names the unknown command with its usage.
  for (const group of [repo, env]) {
    group
      .argument('[args...]')
      .allowUnknownOption()
      .allowExcessArguments()
      .action(async (args: string[]) => {
        if (!args.length) group.help({ error: true });
        exit(await legacy([group.name(), ...args]));
      });
  }

  passThrough(
    program,
    'secret',
    'secrets of a repository, a PR or an owner (values write-only)',
    SECRET_USAGE,
  );
  passThrough(program, 'token', 'REST API tokens: create, ls, revoke', TOKEN_USAGE);
  passThrough(program, 'cost', 'what previews used and cost', COST_USAGE);
  passThrough(program, 'share', 'share links of a preview', SHARE_USAGE);
  passThrough(program, 'sessions', 'sign-in sessions into previews', SESSIONS_USAGE);
  passThrough(program, 'snapshot', 'database dumps for db:snapshot', SNAPSHOT_USAGE);

  registerDoctor(program, ctx, exit, {
    url: options.apiUrl,
    client: () => {
      const token = restToken(ctx.env);
      return token ? new RestClient(options.apiUrl(), token) : undefined;
    },
  });

  const all = (command: Command): Command[] => [command, ...command.commands.flatMap(all)];
  for (const command of all(program)) configure(command);
  return program;
}

/** The token of the /api/v1 commands: BERTH_TOKEN, else the bootstrap BERTH_ADMIN_TOKEN. */
export function restToken(env: CliContext['env']): string | undefined {
  return env['BERTH_TOKEN']?.trim() || env['BERTH_ADMIN_TOKEN']?.trim() || undefined;
}
