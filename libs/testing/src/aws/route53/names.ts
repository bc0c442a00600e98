// DNS names as Route 53 stores and returns them: lowercase, fully qualified with the trailing
// dot, and characters other than a-z 0-9 - _ as `\ooo` octal escapes (`*.x.com.` → `\052.x.com.`).

const PLAIN = /[a-z0-9\-_]/;

export function normalizeName(name: string): string {
  const decoded = name.replace(/\\(\d{3})/g, (_m, octal: string) =>
    String.fromCharCode(parseInt(octal, 8)),
  );
  const labels = decoded.toLowerCase().replace(/\.$/, '').split('.');
  const escaped = labels.map((label) =>
    [...label]
      .map((ch) => (PLAIN.test(ch) ? ch : `\\${ch.charCodeAt(0).toString(8).padStart(3, '0')}`))
      .join(''),
  );
  return `${escaped.join('.')}.`;
}

/**
 * The listing order key: labels reversed (`www.example.com.` → `com.example.www.`), compared
 * as ASCII, as ListResourceRecordSets and ListHostedZonesByName document.
 */
export function sortKey(normalizedName: string): string {
  const labels = normalizedName.replace(/\.$/, '').split('.');
  return `${labels.reverse().join('.')}.`;
}

export function compareAscii(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Is `name` the zone's apex or below it? (Both normalized.) */
export function isWithinZone(name: string, zoneName: string): boolean {
  return name === zoneName || name.endsWith(`.${zoneName}`);
}

/** A hostname Route 53 accepts: 1..255 characters, labels of 1..63. */
export function isValidDomainName(name: string): boolean {
  const bare = name.replace(/\.$/, '');
  if (bare.length === 0 || bare.length > 254) return false;
  return bare.split('.').every((label) => label.length > 0 && label.length <= 63);
}
