/** A problem or warning about a compose file, at a key path like `services.api.build.context`. */
export interface ComposeProblem {
  path: string;
  message: string;
}

/** Collects every problem so a user fixes their file in one round trip. */
export class ProblemList {
  readonly problems: ComposeProblem[] = [];
  readonly warnings: ComposeProblem[] = [];

  add(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  warn(path: string, message: string): void {
    this.warnings.push({ path, message });
  }
}

export class ComposeError extends Error {
  constructor(readonly problems: ComposeProblem[]) {
    super(
      `compose file has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `- ${p.path}: ${p.message}`).join('\n'),
    );
    this.name = 'ComposeError';
  }
}

/** `services.web.ports` + 0 → `services.web.ports[0]`; + `x` → `services.web.ports.x`. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}
