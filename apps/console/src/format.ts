// Pure formatting for the console's tables: durations, ages and TTLs in words, and times in
// the viewer's own zone (the browser's Intl settings).

/** `3 h 12 min`, `45 s`: the two largest units. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3_600],
    ['min', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let rest = s;
  for (const [name, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0 || (parts.length === 0 && size === 1)) parts.push(`${n} ${name}`);
    rest -= n * size;
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

/** How long ago an ISO time was, from `now`. */
export function age(iso: string, now: number): string {
  return `${duration(now - Date.parse(iso))} ago`;
}

/** Time left before an expiry, `expired`, or `no expiry`. */
export function ttlLeft(expiresAt: string | null | undefined, now: number): string {
  if (!expiresAt) return 'no expiry';
  const left = Date.parse(expiresAt) - now;
  return left <= 0 ? 'expired' : `${duration(left)} left`;
}

/** A date and time in the viewer's zone, e.g. `4 Dec 2026, 14:05 CET`. */
export function localTime(iso: string, locale?: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, {
    // dateStyle/timeStyle cannot be combined with timeZoneName: the fields one by one.
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
    ...(timeZone ? { timeZone } : {}),
  }).format(new Date(iso));
}

/** The first failed stage's error: why a preview failed, in its own words (already redacted). */
export function failureReason(
  stages: readonly { stage: string; status: string; error?: string | null }[],
): { stage: string; error: string } | undefined {
  const failed = stages.find((s) => s.status === 'failed' && s.error);
  return failed?.error ? { stage: failed.stage, error: failed.error } : undefined;
}

/** Environments that are gone are hidden by default: the list shows what lives. */
export const GONE_STATES = new Set(['destroyed']);

/** Bytes in binary units, as Docker and the memory ceilings count them. */
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return 'unknown';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** A share of a whole, `42 %`, or `—` when the whole is unknown. */
export function percent(part: number, whole: number | null | undefined): string {
  if (!whole) return '—';
  return `${Math.round((part / whole) * 100)} %`;
}

/** A time of day to the second in the viewer's zone, for log lines. */
export function clockTime(iso: string, locale?: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    ...(timeZone ? { timeZone } : {}),
  }).format(new Date(iso));
}

/** `1 preview`, `3 previews`: a count with its noun. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
