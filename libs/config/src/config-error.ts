/** One problem with one environment variable, phrased for the operator who has to fix it. */
export interface ConfigProblem {
  key: string;
  message: string;
  hint?: string;
}

/** Every problem at once, so an operator fixes the whole list in one pass instead of one per boot. */
export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: ConfigProblem[],
  ) {
    super(formatProblems(service, problems));
    this.name = 'ConfigError';
  }
}

export function formatProblems(service: string, problems: ConfigProblem[]): string {
  const noun = problems.length === 1 ? 'problem' : 'problems';
  const lines = problems.map((p) => `  - ${p.key}: ${p.message}${p.hint ? ` — ${p.hint}` : ''}`);
  return [`${service}: configuration is invalid (${problems.length} ${noun}):`, ...lines].join(
    '\n',
  );
}
