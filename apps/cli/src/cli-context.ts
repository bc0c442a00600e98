import type { ProgressStream } from './progress.js';
import type { RestClient } from './rest-client.js';

/** What a command writes to and reads from; tests pass arrays, main.ts the process streams. */
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Standard input, whole (a secret's value, kept out of the shell's history). */
  stdin?: () => Promise<string>;
  /** Where progress is drawn: the process's stderr (drawn only when it is a terminal). */
  progress?: ProgressStream;
}

export type CliEnv = Record<string, string | undefined>;

/** What the commands share: their io, the environment and the REST API v1 client. */
export interface CliContext {
  io: CliIo;
  env: CliEnv;
  /** The typed /api/v1 client with BERTH_TOKEN (else BERTH_ADMIN_TOKEN). */
  rest: () => RestClient;
}
