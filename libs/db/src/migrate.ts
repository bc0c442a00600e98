import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeConnection, parseDatabaseUrl } from './connection-options.js';

export interface MigrateDeployOptions {
  /** Directory holding prisma.config.ts; found by walking up from this file, else cwd. */
  projectRoot?: string;
  /** Kill the CLI after this long. It idles ~10 s at exit (a WASM engine timer). */
  timeoutMs?: number;
}

export interface MigrateDeployResult {
  durationMs: number;
  output: string;
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/**
 * Applies pending migrations with `prisma migrate deploy` in a child process (the CLI's
 * JS schema engine, configured by prisma.config.ts; nothing is downloaded). Slow to exit
 * (~10 s), so call it once per process start or test run, not per test.
 */
export async function migrateDeploy(
  databaseUrl: string,
  options: MigrateDeployOptions = {},
): Promise<MigrateDeployResult> {
  const target = describeConnection(parseDatabaseUrl(databaseUrl));
  const cwd = options.projectRoot ?? findProjectRoot();
  const cli = createRequire(import.meta.url).resolve('prisma/build/index.js');
  const timeoutMs = options.timeoutMs ?? 180_000;
  const started = performance.now();

  const child = spawn(process.execPath, [cli, 'migrate', 'deploy'], {
    cwd,
    env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => resolve(exitCode));
  }).finally(() => clearTimeout(timer));

  const durationMs = Math.round(performance.now() - started);
  if (code !== 0) {
    const why = code === null ? `was killed after ${timeoutMs} ms` : `exited with ${code}`;
    throw new MigrationError(
      `prisma migrate deploy against ${target} ${why} (cwd ${cwd}):\n${output.trim()}`,
    );
  }
  return { durationMs, output };
}

/** The directory holding prisma.config.ts (and prisma/migrations): walks up from here, else cwd. */
export function findProjectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'prisma.config.ts'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}
