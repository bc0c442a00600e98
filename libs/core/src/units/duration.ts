/**
 * Durations, as milliseconds.
 *
 * - `parseComposeDuration`: the compose/Go form (`5s`, `1m30s`, `1.5h`, `250ms`; units
 *   ns, us/µs, ms, s, m, h). Compose also accepts a bare integer of seconds; we do not, because
 *   `interval: 5` is ambiguous to readers — the error says to write `5s`.
 * - `parseTtl`: a label's TTL: one integer and one unit of m, h, d or w (`30m`, `24h`, `3d`).
 */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

export function parseComposeDuration(input: string): number {
  const text = input.trim();
  const part = /(\d+(?:\.\d+)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  if (text === '0') return 0;
  if (text === '') throw new Error('duration is empty: write e.g. `5s` or `1m30s`');
  let total = 0;
  let index = 0;
  while (index < text.length) {
    part.lastIndex = index;
    const match = part.exec(text);
    if (!match) {
      throw new Error(
        `duration \`${input}\` is not valid: use numbers with units ns, us, ms, s, m, h, e.g. \`5s\` or \`1m30s\``,
      );
    }
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
    index = part.lastIndex;
  }
  if (!Number.isFinite(total)) throw new Error(`duration \`${input}\` is too large`);
  return Math.round(total);
}

const TTL_UNIT_MS: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

export function parseTtl(input: string): number {
  const match = /^(\d{1,6})([mhdw])$/.exec(input.trim().toLowerCase());
  if (!match) {
    throw new Error(
      `TTL \`${input}\` is not valid: use a whole number and one unit of m, h, d or w, e.g. \`30m\`, \`24h\`, \`3d\``,
    );
  }
  return Number(match[1]) * (TTL_UNIT_MS[match[2] as string] as number);
}

/** Short human form of a duration in ms: `72h`, `3d`, `90m`, `1m30s`. For messages. */
export function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0 && ms >= 86_400_000) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0 && ms >= 3_600_000) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000}m`;
  if (ms >= 60_000) return `${Math.floor(ms / 60_000)}m${formatDuration(ms % 60_000)}`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}
