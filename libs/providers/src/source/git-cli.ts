import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { redact } from './git-errors.js';

const execFileAsync = promisify(execFile);

export interface GitRunOptions {
  cwd?: string;
  /** Extra `git -c` style settings passed through the environment (never argv: `ps` shows argv). */
  config?: Readonly<Record<string, string>>;
  /** Values to scrub from any error text. */
  secrets?: readonly string[];
  timeoutMs?: number;
  env?: Readonly<Record<string, string>>;
}

export interface GitResult {
  stdout: string;
  stderr: string;
}

/** git failed: exit code and stderr (already redacted). */
export class GitCommandError extends Error {
  override readonly name = 'GitCommandError';
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args[0] ?? ''} failed (exit ${String(exitCode)}): ${stderr.trim()}`);
  }
}

/**
 * Runs git asynchronously (never a sync spawn: a sync call deadlocks a server in the same
 * process, e.g. the GitHub emulator in tests). No prompts, no system/global config, no
 * credential helpers: credentials come only through `config`, as environment variables.
 */
export async function git(
  args: readonly string[],
  options: GitRunOptions = {},
): Promise<GitResult> {
  const config: Record<string, string> = {
    'credential.helper': '',
    'core.askPass': '',
    'protocol.version': '2',
    'gc.auto': '0',
    ...options.config,
  };
  const entries = Object.entries(config);
  const env: Record<string, string | undefined> = {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_COUNT: String(entries.length),
    LC_ALL: 'C',
    ...options.env,
  };
  entries.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  try {
    const { stdout, stderr } = await execFileAsync('git', [...args], {
      cwd: options.cwd,
      env,
      maxBuffer: 256 * 1024 * 1024,
      timeout: options.timeoutMs ?? 10 * 60_000,
      encoding: 'utf8',
    });
    return { stdout, stderr };
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { code?: number | string; stderr?: string };
    if (e.code === 'ENOENT') {
      throw new Error('git is not installed or not on PATH: install git (apt-get install git)');
    }
    const stderr = redact(String(e.stderr ?? e.message), options.secrets ?? []);
    throw new GitCommandError(args, typeof e.code === 'number' ? e.code : null, stderr);
  }
}
