import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs a command without a shell; rejects with its exit code and output tail. */
export function run(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { env: options.env, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, stderr });
        const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-40).join('\n');
        reject(
          new Error(
            `${command} ${args.join(' ')} failed (${error.message.split('\n')[0]}):\n${tail}`,
          ),
        );
      },
    );
  });
}

/**
 * `KEY=value` lines (optionally `export KEY=value`, optionally quoted) as written by
 * scripts/bootstrap/images.sh. Missing file → a message saying how to make it.
 */
export function readEnvFile(path: string, required: readonly string[]): Record<string, string> {
  if (!existsSync(path)) {
    throw new Error(
      `${path} does not exist: run scripts/bootstrap/images.sh to build the fixture images`,
    );
  }
  const values: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match?.[1] || match[2] === undefined) continue;
    values[match[1]] = match[2].trim().replace(/^(['"])(.*)\1$/, '$2');
  }
  const missing = required.filter((key) => !values[key]);
  if (missing.length > 0) {
    throw new Error(
      `${path} does not set ${missing.join(', ')}: rerun scripts/bootstrap/images.sh`,
    );
  }
  return values;
}

/** Docker's RFC 3339 timestamps carry nanoseconds, which Date drops: compare as bigint ns. */
export function dockerTimeNs(timestamp: string): bigint {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(timestamp);
  if (!match?.[1]) throw new Error(`not a UTC Docker timestamp: ${timestamp}`);
  const seconds = BigInt(Date.parse(`${match[1]}Z`) / 1000);
  return seconds * 1_000_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'));
}

export interface ContainerState {
  id: string;
  status: string;
  exitCode: number;
  startedAt: bigint;
  finishedAt: bigint;
}

/** One `docker-compose -p NAME -f FILE` project: the CLI a user runs, on the real engine. */
export class ComposeProject {
  constructor(
    readonly name: string,
    readonly file: string,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  compose(args: readonly string[], timeoutMs = 120_000): Promise<RunResult> {
    return run('docker-compose', ['-p', this.name, '-f', this.file, ...args], {
      env: this.env,
      timeoutMs,
    });
  }

  /** Last lines of the project's logs, or why they could not be read: for failure messages. */
  async logs(services: readonly string[] = [], tail = 60): Promise<string> {
    try {
      const { stdout } = await this.compose(['logs', '--no-color', `--tail=${tail}`, ...services]);
      return stdout;
    } catch (error) {
      return `(docker-compose logs failed: ${(error as Error).message})`;
    }
  }

  /** The container of a service, running or exited, found by Compose's labels. */
  async container(service: string): Promise<ContainerState> {
    const { stdout } = await run('docker', [
      'ps',
      '-aq',
      '--filter',
      `label=com.docker.compose.project=${this.name}`,
      '--filter',
      `label=com.docker.compose.service=${service}`,
    ]);
    const ids = stdout.trim().split('\n').filter(Boolean);
    if (ids.length !== 1) {
      throw new Error(`expected one ${service} container in ${this.name}, found ${ids.length}`);
    }
    const { stdout: json } = await run('docker', [
      'inspect',
      '--format',
      '{{json .State}}',
      ids[0]!,
    ]);
    const state = JSON.parse(json) as {
      Status: string;
      ExitCode: number;
      StartedAt: string;
      FinishedAt: string;
    };
    return {
      id: ids[0]!,
      status: state.Status,
      exitCode: state.ExitCode,
      startedAt: dockerTimeNs(state.StartedAt),
      finishedAt: dockerTimeNs(state.FinishedAt),
    };
  }

  /**
   * Removes containers, networks and volumes. The images Compose built are re-tagged under a
   * stable cache name before their per-project tag goes, so the next run's build is warm and no
   * per-run tags pile up.
   */
  async down(cacheRepository: string): Promise<void> {
    await this.compose(['down', '-v', '--remove-orphans', '--timeout', '10'], 180_000);
    const { stdout } = await run('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}']);
    for (const ref of stdout.split('\n')) {
      const match = new RegExp(`^${this.name}[_-]([a-z0-9]+):latest$`).exec(ref.trim());
      if (!match) continue;
      await run('docker', ['tag', ref.trim(), `${cacheRepository}-${match[1]}:cache`]);
      await run('docker', ['rmi', ref.trim()]);
    }
  }
}
