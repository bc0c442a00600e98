// A tiny path matcher for `/repos/:owner/:repo/...` patterns (segments only, no regex syntax),
// also used by fault injection so tests can name paths the same way the routes do.

export type Params = Record<string, string>;

export interface PathPattern {
  source: string;
  match(path: string): Params | undefined;
}

/** `*` matches one segment, a trailing `**` matches the rest; `:name` captures a segment. */
export function compilePattern(pattern: string): PathPattern {
  const parts = pattern.split('/').filter(Boolean);
  return {
    source: pattern,
    match(path: string): Params | undefined {
      const segments = path.split('/').filter(Boolean);
      const params: Params = {};
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i] as string;
        if (part === '**') return params;
        const segment = segments[i];
        if (segment === undefined) return undefined;
        if (part === '*') continue;
        if (part.startsWith(':')) {
          params[part.slice(1)] = decodeURIComponent(segment);
        } else if (part !== segment) {
          return undefined;
        }
      }
      return segments.length === parts.length ? params : undefined;
    },
  };
}
