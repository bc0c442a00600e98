// Value-based masking: every secret value Berth knows for an environment, and the encoded forms
// apps and libraries print it in, replaced by `***` in one pass. Why these forms and this length
// floor: docs/decisions/0010-value-redaction.md.

/** What a masked value becomes. */
export const REDACTED = '***';

/**
 * Values shorter than this are never masked (GitLab's floor for masked CI variables too). A short
 * value is ordinary text somewhere ("postgres", "admin", a port), so masking it would blank
 * unrelated words and, by where the `***` land, show a reader the value anyway. Every credential
 * Berth generates is 32 characters. Encoded fragments (base64 inside a longer blob) obey it too.
 */
export const MIN_MASKED_LENGTH = 8;

/** Masks a fixed set of secret values; built once per set, then one regex pass per text. */
export interface SecretMasker {
  /** Distinct values (before encoding) long enough to be masked. */
  readonly size: number;
  mask(text: string): string;
}

/**
 * The spellings of `value` seen in logs and error text: as is; URL-encoded (encodeURIComponent,
 * form encoding, a URL's userinfo); JSON-string-escaped (also `\/`, `\uXXXX` and escaped twice);
 * shell-quoted (inside '…', inside "…", backslash-escaped) and libpq-quoted; base64 and base64url
 * of the value alone. Percent escapes match either case. The masker also finds the value inside a
 * longer base64 text (`embeddedBase64`).
 */
export function encodedForms(value: string): string[] {
  if (value.trim().length < MIN_MASKED_LENGTH) return [];
  const forms = new Set<string>([value]);
  forms.add(encodeURIComponent(value));
  forms.add(new URLSearchParams({ v: value }).toString().slice(2));
  forms.add(encodeURI(value));
  forms.add(userinfoEncoded(value));

  const json = JSON.stringify(value).slice(1, -1);
  forms.add(json);
  forms.add(json.replace(/\//g, '\\/'));
  forms.add(
    json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
  forms.add(JSON.stringify(json).slice(1, -1));

  forms.add(value.replace(/'/g, `'\\''`));
  forms.add(value.replace(/'/g, `'"'"'`));
  forms.add(value.replace(/["\\$`]/g, '\\$&'));
  forms.add(value.replace(/[^A-Za-z0-9_./:@%+=,-]/g, '\\$&'));
  forms.add(value.replace(/['\\]/g, '\\$&'));

  for (const form of base64Forms(value)) forms.add(form);
  return [...forms].filter((form) => form.length >= MIN_MASKED_LENGTH);
}

/** How a URL serialises `value` as a password (the userinfo percent-encode set). */
function userinfoEncoded(value: string): string {
  const url = new URL('http://h');
  url.password = value;
  return url.password;
}

function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  return (['base64', 'base64url'] as const).flatMap((alphabet) => {
    const whole = bytes.toString(alphabet);
    return [whole, whole.replace(/=+$/, '')];
  });
}

const BASE64_CHAR = { base64: '[A-Za-z0-9+/]', base64url: '[A-Za-z0-9_-]' } as const;

/**
 * The value inside a longer base64 text (an HTTP Basic token `user:value`, a docker `auth`, a
 * base64 JSON blob), whoever the user and whatever surrounds it. The value starts at one of three
 * byte offsets; for each, the characters made only of its bits are fixed, and the one character
 * on each side that mixes its bits with a neighbour's is matched by class. So the whole run of
 * characters carrying any bit of the value is masked, and the neighbours' (the user's) are not.
 */
function embeddedBase64(value: string): Pattern[] {
  const bytes = Buffer.from(value, 'utf8');
  const patterns: Pattern[] = [];
  for (const alphabet of ['base64', 'base64url'] as const) {
    for (const offset of [0, 1, 2]) {
      const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString(alphabet);
      const startBit = offset * 8;
      const endBit = startBit + bytes.length * 8;
      const core = encoded.slice(Math.ceil(startBit / 6), Math.floor(endBit / 6));
      if (core.length < MIN_MASKED_LENGTH) continue;
      const lead = startBit % 6 === 0 ? '' : BASE64_CHAR[alphabet];
      // A value that ends the text ends mid-group: its padding goes with it.
      const trail = endBit % 6 === 0 ? '' : `${BASE64_CHAR[alphabet]}={0,2}`;
      patterns.push({
        source: `${lead}${literal(core)}${trail}`,
        length: core.length + (lead ? 1 : 0) + (trail ? 1 : 0),
      });
    }
  }
  return patterns;
}

/** A regex alternative and how many characters it matches (they are ordered by it). */
interface Pattern {
  source: string;
  length: number;
}

const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/-]/g;

/** A literal in a regex; `%2F` also matches `%2f` (encoders differ in hex case). */
function literal(form: string): string {
  return form
    .replace(REGEX_SPECIAL, '\\$&')
    .replace(
      /%([0-9A-F])([0-9A-F])/g,
      (_, a: string, b: string) => `%${hexDigit(a)}${hexDigit(b)}`,
    );
}

function hexDigit(digit: string): string {
  return /[A-F]/.test(digit) ? `[${digit}${digit.toLowerCase()}]` : digit;
}

/**
 * One alternation of every form of every value, longest first, as a lookahead: each position
 * reports the longest form starting there, so overlapping and nested secrets are found whole and
 * their spans merged. Linear in the text for a given set (~1 ms for 64 KiB and 50 values).
 */
export function secretMasker(values: Iterable<string>): SecretMasker {
  const kept = [...new Set(values)].filter((v) => encodedForms(v).length > 0);
  const bySource = new Map<string, Pattern>();
  for (const value of kept) {
    const literals = encodedForms(value).map((f) => ({ source: literal(f), length: f.length }));
    for (const p of [...literals, ...embeddedBase64(value)]) bySource.set(p.source, p);
  }
  const patterns = [...bySource.values()].sort(
    (a, b) => b.length - a.length || (a.source < b.source ? -1 : 1),
  );
  if (patterns.length === 0) return { size: 0, mask: (text) => text };
  const pattern = new RegExp(`(?=(${patterns.map((p) => p.source).join('|')}))`, 'g');
  return {
    size: kept.length,
    mask(text: string): string {
      let out = '';
      let copied = 0;
      let spanStart = -1;
      let spanEnd = -1;
      const flush = () => {
        out += text.slice(copied, spanStart) + REDACTED;
        copied = spanEnd;
      };
      for (const match of text.matchAll(pattern)) {
        const start = match.index;
        const end = start + (match[1] as string).length;
        // Overlapping or touching an open span: one span, one `***`.
        if (spanEnd >= 0 && start <= spanEnd) {
          spanEnd = Math.max(spanEnd, end);
          continue;
        }
        if (spanEnd >= 0) flush();
        spanStart = start;
        spanEnd = end;
      }
      if (spanEnd < 0) return text;
      flush();
      return out + text.slice(copied);
    },
  };
}
