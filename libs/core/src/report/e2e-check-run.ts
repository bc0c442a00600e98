import { redactSecrets } from './redact.js';

/** The check run a branch protection rule can require; one per head SHA. */
export const E2E_CHECK_RUN_NAME = 'Berth / e2e';
/** The log tail kept in the check run: enough to see the failing assertion. */
const LOG_TAIL_MAX = 12_000;

export type E2eResult =
  | { kind: 'running' }
  | { kind: 'passed'; durationMs: number }
  | { kind: 'failed'; durationMs: number; exitCode: number | null }
  | { kind: 'timed-out'; durationMs: number; timeoutSeconds: number }
  | { kind: 'cancelled'; durationMs: number; reason: string }
  /** Berth could not run the tests at all (image missing, network gone). */
  | { kind: 'error'; message: string };

export interface E2eCheckRunInput {
  result: E2eResult;
  image: string;
  command?: readonly string[];
  /** Service → URL the tests were given (internal and through the gateway). */
  urls: Readonly<Record<string, string>>;
  logs?: string;
  /** Every secret value of the environment plus the tests' own credential: all masked. */
  secrets: readonly string[];
}

export interface E2eCheckRunOutput {
  status: 'in_progress' | 'completed';
  conclusion?: 'success' | 'failure' | 'cancelled' | 'timed_out';
  title: string;
  summary: string;
  text?: string;
}

/** The `Berth / e2e` check run for one state of a test run. Everything shown is redacted. */
export function renderE2eCheckRun(input: E2eCheckRunInput): E2eCheckRunOutput {
  const { result } = input;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const lines = [
    `Image \`${input.image}\`${input.command ? `, command \`${input.command.join(' ')}\`` : ''}.`,
    '',
    '| service | URL given to the tests |',
    '| --- | --- |',
    ...Object.entries(input.urls).map(([name, url]) => `| ${name} | ${url} |`),
  ];
  const base = (
    status: E2eCheckRunOutput['status'],
    title: string,
    conclusion?: E2eCheckRunOutput['conclusion'],
  ): E2eCheckRunOutput => {
    const out: E2eCheckRunOutput = {
      status,
      title,
      summary: redactSecrets(lines.join('\n'), input.secrets),
    };
    if (conclusion) out.conclusion = conclusion;
    const tail = logTail(input.logs ?? '', input.secrets);
    if (tail) out.text = `Last lines of the test output:\n\n\`\`\`\n${tail}\n\`\`\``;
    return out;
  };
  switch (result.kind) {
    case 'running':
      return base('in_progress', 'Running the end-to-end tests against the preview');
    case 'passed':
      return base('completed', `Passed in ${seconds(result.durationMs)}`, 'success');
    case 'failed':
      return base(
        'completed',
        `Failed (exit ${result.exitCode ?? 'unknown'}) after ${seconds(result.durationMs)}; the preview stays up for debugging`,
        'failure',
      );
    case 'timed-out':
      return base(
        'completed',
        `Stopped after the ${result.timeoutSeconds} s timeout (x-berth.tests.timeout); the preview stays up`,
        'timed_out',
      );
    case 'cancelled':
      return base('completed', `Cancelled: ${result.reason}`, 'cancelled');
    case 'error':
      return base(
        'completed',
        redactSecrets(`Could not run the tests: ${result.message}`, input.secrets),
        'failure',
      );
  }
}

function logTail(logs: string, secrets: readonly string[]): string {
  // Mask before cutting, so a cut never splits a secret into an unmaskable prefix.
  const masked = redactSecrets(logs, secrets).replace(/\r\n/g, '\n').trimEnd();
  if (masked.length <= LOG_TAIL_MAX) return masked;
  const cut = masked.slice(-LOG_TAIL_MAX);
  return `…\n${cut.slice(cut.indexOf('\n') + 1)}`;
}
