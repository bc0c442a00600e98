// Classifies git's stderr so errors say what failed in Berth's terms, and keeps credentials
// out of every message.

export type GitFailureKind = 'auth' | 'not-found' | 'unreachable' | 'other';

const PATTERNS: ReadonlyArray<[GitFailureKind, RegExp]> = [
  [
    'auth',
    /Authentication failed|could not read (Username|Password)|HTTP (Basic: )?Access denied|returned error: 40[13]|\b401 Unauthorized|\b403 Forbidden/i,
  ],
  [
    'not-found',
    /not our ref|unadvertised object|couldn't find remote ref|no such remote ref|not a valid object|bad object|reference is not a tree|not a tree object/i,
  ],
  [
    'unreachable',
    /Could not resolve host|Failed to connect|Connection refused|Connection timed out|Operation timed out|SSL|repository '.*' not found|returned error: 404/i,
  ],
];

export function classifyGitFailure(stderr: string): GitFailureKind {
  for (const [kind, pattern] of PATTERNS) if (pattern.test(stderr)) return kind;
  return 'other';
}

/** Replaces every occurrence of each secret (and its base64 forms) with `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    out = out.split(secret).join('***');
  }
  return out;
}

/** The last meaningful lines of git's stderr, for an error message. */
export function stderrSummary(stderr: string, maxLines = 4): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(
      (l) => l !== '' && !/^(hint|remote: (Counting|Compressing|Enumerating|Total))/i.test(l),
    );
  return lines.slice(-maxLines).join(' | ') || '(no output)';
}

/** A source operation failed; the message names the repository and what to do. */
export class SourceError extends Error {
  override readonly name = 'SourceError';
  constructor(
    readonly kind: GitFailureKind,
    message: string,
  ) {
    super(message);
  }
}
