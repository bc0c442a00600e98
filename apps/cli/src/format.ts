// Human output shared by the commands: padded tables and short timestamps. `--json` bypasses it.

/** Rows under a header, each column padded to its widest cell; trailing blanks trimmed. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) =>
    header
      .map((_, i) => (r[i] ?? '').padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

/** `2026-12-04T13:05:09.123Z` → `2026-12-04 13:05`; null → `-`. */
export function minute(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 16).replace('T', ' ') : '-';
}

/** Pretty JSON, the one form `--json` prints. */
export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
