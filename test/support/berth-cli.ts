// The built CLI (`npm run build`), as an operator runs it: its own process, stdout and stderr
// apart, only PATH and the given variables in its environment.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BERTH_CLI = fileURLToPath(new URL('../../dist/apps/cli/src/main.js', import.meta.url));

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export function runBerth(
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs = 600_000,
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BERTH_CLI, ...args],
      { env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: timeoutMs },
      (error, stdout, stderr) => {
        const code = error ? ((error as { code?: number }).code ?? -1) : 0;
        resolve({ code: typeof code === 'number' ? code : -1, out: stdout, err: stderr });
      },
    );
  });
}
