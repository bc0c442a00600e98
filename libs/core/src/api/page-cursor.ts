// Opaque cursors of the REST API's lists (decision 0029): the last row's sort key, base64url
// JSON. Opaque to clients (they only pass it back), so the order can change without a version.

/** The position after a row in a list ordered by (time, id). */
export interface PageCursor {
  /** The row's sort time, ISO 8601. */
  at: string;
  /** The row's id: breaks ties between rows written in the same millisecond. */
  id: string;
}

export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id]), 'utf8').toString('base64url');
}

/** Null when the value is not a cursor this API handed out. */
export function decodeCursor(value: string): PageCursor | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'string' &&
      !Number.isNaN(Date.parse(parsed[0]))
    ) {
      return { at: parsed[0], id: parsed[1] };
    }
  } catch {
    // Not base64url JSON: the caller answers 400.
  }
  return null;
}

export const PAGE_LIMIT_DEFAULT = 50;
export const PAGE_LIMIT_MAX = 200;

/** `?limit=`: 1 to PAGE_LIMIT_MAX, default PAGE_LIMIT_DEFAULT; null when not such a number. */
export function parsePageLimit(value: string | undefined): number | null {
  if (value === undefined || value === '') return PAGE_LIMIT_DEFAULT;
  if (!/^\d{1,4}$/.test(value)) return null;
  const limit = Number(value);
  return limit >= 1 && limit <= PAGE_LIMIT_MAX ? limit : null;
}
