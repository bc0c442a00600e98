import { ACCESS_COOKIE_PREFIX } from './access-cookie.js';

/**
 * What a preview app may set in a browser: host-only cookies that are not Berth's. Returns the
 * Set-Cookie line to pass on, without any Domain attribute (every preview shares the parent
 * domain, so a Domain cookie would reach the others), or undefined to drop it.
 *
 * Parsed the way browsers parse it (RFC 6265bis §5.6), not the way a server library might:
 * what matters is which cookie the browser stores and later sends back. A line without `=`,
 * or with an empty name (`=berth_access_x=t`), is stored nameless and sent as its value alone,
 * which then reads as `berth_access_x=t`; so the check is on what would be sent, not the name.
 */
export function previewSetCookie(line: string): string | undefined {
  if (hasControlCharacter(line)) return undefined; // browsers ignore such a line entirely
  const semicolon = line.indexOf(';');
  const pair = semicolon === -1 ? line : line.slice(0, semicolon);
  if (plantsAccessCookie(pair)) return undefined;
  if (semicolon === -1) return line;
  // The common line has no Domain attribute at all: nothing to take out.
  if (!/domain/i.test(line.slice(semicolon))) return line;
  const attributes = line.slice(semicolon + 1).split(';');
  const kept = attributes.filter((attribute) => attributeName(attribute) !== 'domain');
  return kept.length === attributes.length ? line : [pair, ...kept].join(';');
}

/** A response's Set-Cookie header after previewSetCookie; undefined when nothing is left. */
export function previewSetCookies(lines: string[] | undefined): string[] | undefined {
  const kept = (lines ?? []).flatMap((line) => previewSetCookie(line) ?? []);
  return kept.length === 0 ? undefined : kept;
}

/**
 * The name the gateway would read back from the Cookie header. Generous on purpose: any case,
 * any `__Host-`/`__Secure-` prefix or quoting, since nothing legitimate hides in that namespace.
 */
function plantsAccessCookie(pair: string): boolean {
  const eq = pair.indexOf('=');
  const name = eq === -1 ? '' : pair.slice(0, eq).trim();
  const sent = name === '' ? (eq === -1 ? pair : pair.slice(eq + 1)).trim() : name;
  const sentName = sent.split('=', 1)[0] ?? '';
  return sentName.toLowerCase().includes(ACCESS_COOKIE_PREFIX);
}

function attributeName(attribute: string): string {
  const eq = attribute.indexOf('=');
  return (eq === -1 ? attribute : attribute.slice(0, eq)).trim().toLowerCase();
}

/** CTLs other than HTAB, which RFC 6265bis says make a browser ignore the line. */
function hasControlCharacter(line: string): boolean {
  for (let i = 0; i < line.length; i += 1) {
    const code = line.charCodeAt(i);
    if ((code <= 0x1f && code !== 0x09) || code === 0x7f) return true;
  }
  return false;
}
