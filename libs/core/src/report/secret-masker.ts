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
  // Well-formed text only: a lone surrogate makes encodeURI* throw, and a report must not.
  const text = value.toWellFormed();
  forms.add(encodeURIComponent(text));
  forms.add(new URLSearchParams({ v: text }).toString().slice(2));
  forms.add(encodeURI(text));
  forms.add(userinfoEncoded(text));

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

/** Where a base64 run of the value's own bits may have one more character carrying some. */
interface Core {
  /** The character before shares bits with the value's first byte. */
  lead: boolean;
  /** The character after shares bits with its last byte (and padding may follow). */
  trail: boolean;
}

const BASE64_CHAR = /[A-Za-z0-9+/_-]/;

/**
 * The value inside a longer base64 text (an HTTP Basic token `user:value`, a docker `auth`, a
 * base64 JSON blob), whoever the user and whatever surrounds it. The value starts at one of three
 * byte offsets; for each, the characters made only of its bits are fixed (the core, a literal in
 * the one regex), and the one character on each side that mixes its bits with a neighbour's is
 * taken with it when the core is found. So every character carrying a bit of the value is masked,
 * and the neighbours' (the user's) are not. (A character class in the regex itself would cost a
 * hundred times more: V8 finds an alternation of literals by their first characters.)
 */
function embeddedBase64(value: string): Map<string, Core> {
  const bytes = Buffer.from(value, 'utf8');
  const cores = new Map<string, Core>();
  for (const alphabet of ['base64', 'base64url'] as const) {
    for (const offset of [0, 1, 2]) {
      const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString(alphabet);
      const startBit = offset * 8;
      const endBit = startBit + bytes.length * 8;
      const core = encoded.slice(Math.ceil(startBit / 6), Math.floor(endBit / 6));
      if (core.length < MIN_MASKED_LENGTH) continue;
      const seen = cores.get(core);
      cores.set(core, {
        lead: (seen?.lead ?? false) || startBit % 6 !== 0,
        trail: (seen?.trail ?? false) || endBit % 6 !== 0,
      });
    }
  }
  return cores;
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
  const forms = new Set<string>();
  const cores = new Map<string, Core>();
  for (const value of kept) {
    for (const form of encodedForms(value)) forms.add(form);
    for (const [core, edges] of embeddedBase64(value)) {
      const seen = cores.get(core);
      cores.set(core, {
        lead: (seen?.lead ?? false) || edges.lead,
        trail: (seen?.trail ?? false) || edges.trail,
      });
      forms.add(core);
    }
  }
  const sorted = [...forms].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  if (sorted.length === 0) return { size: 0, mask: (text) => text };
  const pattern = new RegExp(`(?=(${sorted.map(literal).join('|')}))`, 'g');
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
        const found = match[1] as string;
        let start = match.index;
        let end = start + found.length;
        const core = cores.get(found);
        if (core?.lead && BASE64_CHAR.test(text.charAt(start - 1))) start -= 1;
        if (core?.trail && BASE64_CHAR.test(text.charAt(end))) {
          end += 1;
          // A value that ends the encoded text ends mid-group: its padding goes with it.
          for (let pad = 0; pad < 2 && text.charAt(end) === '='; pad++) end += 1;
        }
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
