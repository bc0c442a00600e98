/**
 * Error text shown on a pull request: secrets removed, length bounded. A PR comment is readable
 * by everyone who can read the repository, so anything that looks like a credential goes.
 */

import { REDACTED, type SecretMasker, secretMasker } from './secret-masker.js';

const PATTERNS: readonly [RegExp, string][] = [
  // GitHub tokens: ghs_ (installation), ghp_, gho_, ghu_, ghr_, github_pat_.
  [/\b(?:gh[pousr]_[A-Za-z0-9]{8,}|github_pat_[A-Za-z0-9_]{8,})\b/g, REDACTED],
  // Credentials in URLs: scheme://user:password@host.
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, `$1${REDACTED}@`],
  // KEY=value / key: value where the key names a secret. Not a compose key path
  // (`services.web.secrets: …`, `x-berth.secrets: …`) nor the compose section `secrets:`: their
  // "values" are Berth's own messages, and a key name is never the credential.
  [
    /(?<![\w.[\]-])(?!secrets\b)([A-Za-z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|PRIVATE_KEY|CREDENTIALS?)[A-Za-z0-9_]*)(\s*[=:]\s*)("[^"]*"|'[^']*'|\S+)/gi,
    `$1$2${REDACTED}`,
  ],
  // PEM blocks.
  [/-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----/g, REDACTED],
];

/** One masker per secrets array: a comment redacts several texts with the same set. */
const maskers = new WeakMap<readonly string[], SecretMasker>();

function maskerFor(secrets: readonly string[] | SecretMasker): SecretMasker {
  if (!Array.isArray(secrets)) return secrets as SecretMasker;
  const list = secrets as readonly string[];
  let masker = maskers.get(list);
  if (!masker) {
    masker = secretMasker(list);
    maskers.set(list, masker);
  }
  return masker;
}

/**
 * THE redaction for everything PR-facing (comments, check runs, statuses, API errors): masks
 * every given secret value in each encoded form it is printed in (see `secretMasker`), then
 * anything shaped like a credential by name (URL passwords, `*_TOKEN=…`, GitHub tokens, PEM).
 * `secrets` comes from `environmentSecretValues` (@berth/lifecycle); pass a `secretMasker` to
 * reuse one compiled set across many texts.
 */
export function redactSecrets(
  text: string,
  secrets: readonly string[] | SecretMasker = [],
): string {
  let out = maskerFor(secrets).mask(text);
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * At most `max` characters, cut between lines: what is left out is counted, as `… and N more
 * problems` when the cut lines are a `- ` list (a compose file's problems), else `… and N more
 * lines`. One line longer than `lineMax` is cut itself.
 */
export function truncateLines(text: string, max: number, lineMax = 1_000): string {
  const lines = text.split('\n').map((line) => truncate(line, lineMax));
  const whole = lines.join('\n');
  if (whole.length <= max) return whole;
  const kept: string[] = [];
  let length = 0;
  // Room for the closing line itself.
  const budget = max - 60;
  for (const line of lines) {
    if (length + line.length + 1 > budget) break;
    kept.push(line);
    length += line.length + 1;
  }
  const rest = lines.slice(kept.length);
  const problems = rest.filter((line) => line.startsWith('- ')).length;
  const more =
    problems === rest.length
      ? `… and ${problems} more problem${problems === 1 ? '' : 's'}`
      : `… and ${rest.length} more line${rest.length === 1 ? '' : 's'}`;
  return [...kept, more].join('\n');
}

/** At most `max` characters, ending with `…` when cut. */
export function truncate(text: string, max: number): string {
  if (max < 1) throw new Error(`truncate: max must be at least 1, got ${max}`);
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
