/**
 * A Location that can only land on the host that was asked. Browsers read `//x` and `/\x` as
 * another host, drop tabs and newlines anywhere in a URL before parsing it, and an absolute-form
 * request target (`GET http://x/`) names a host of its own. So every byte outside printable
 * ASCII is percent-encoded first, then any run of leading slashes and backslashes becomes one
 * slash: the result is always a path on the current host.
 */
export function sameHostLocation(target: string): string {
  const printable = target.replace(/[^\x21-\x7e]/gu, (char) =>
    Array.from(
      Buffer.from(char, 'utf8'),
      (byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    ).join(''),
  );
  return `/${printable.replace(/^[/\\]+/, '')}`;
}
