// Record names the way Route 53 stores, lists and sorts them (API reference, "DNS domain name
// format" and ListResourceRecordSets "Sort order").

const PLAIN = /[a-z0-9\-_]/;

/** Route 53's form: lowercase, trailing dot, characters other than a-z 0-9 - _ as `\ooo`. */
export function route53Name(name: string): string {
  const labels = decodeEscapes(name).toLowerCase().replace(/\.$/, '').split('.');
  const escaped = labels.map((label) =>
    [...label]
      .map((ch) => (PLAIN.test(ch) ? ch : `\\${ch.charCodeAt(0).toString(8).padStart(3, '0')}`))
      .join(''),
  );
  return `${escaped.join('.')}.`;
}

/** A name as people write it: escapes decoded, lowercase, no trailing dot. */
export function plainName(name: string): string {
  return decodeEscapes(name).toLowerCase().replace(/\.$/, '');
}

/**
 * ListResourceRecordSets' order: labels reversed with the trailing dot (`com.example.www.`),
 * compared as ASCII. Used only to pick an efficient reading order, never to conclude a record
 * is absent.
 */
export function listingKey(name: string): string {
  return `${route53Name(name).replace(/\.$/, '').split('.').reverse().join('.')}.`;
}

/** A record set's identity within a zone. */
export function recordSetKey(name: string, type: string, setIdentifier?: string): string {
  return `${route53Name(name)}|${type}|${setIdentifier ?? ''}`;
}

/** Does `text` (an error message) name `name`, as a whole name and not inside a longer one? */
export function mentionsName(text: string, name: string): boolean {
  const bare = route53Name(name).replace(/\.$/, '');
  const pattern = bare.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s'"\\[(,=])${pattern}\\.?(?=$|[^a-z0-9_\\-.\\\\])`, 'i').test(text);
}

function decodeEscapes(name: string): string {
  return name.replace(/\\([0-7]{3})/g, (_m, octal: string) =>
    String.fromCharCode(parseInt(octal, 8)),
  );
}
