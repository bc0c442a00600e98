import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact.js';
import { encodedForms, MIN_MASKED_LENGTH, secretMasker } from './secret-masker.js';

// A generated password (base64url, what the wire stage makes) and an operator's password with
// every character an encoder treats specially.
const GENERATED = 'q7Xk2mP9vR4tW8yZ1aB3cD5eF6gH0jLn';
const SPECIAL = `p@ss w/rd:+"it's"$&é\\x`;

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

/** Every spelling in `text` is gone, and `***` took its place. */
function expectMasked(text: string, secret: string, values: string[] = [secret]) {
  const out = secretMasker(values).mask(text);
  expect(out).not.toContain(secret);
  expect(out).toContain('***');
  return out;
}

describe('secretMasker: encoded forms', () => {
  it('masks the value as is, in the middle of a line', () => {
    expect(secretMasker([GENERATED]).mask(`connecting with ${GENERATED} now`)).toBe(
      'connecting with *** now',
    );
  });

  it('masks it URL-encoded: encodeURIComponent, form encoding, either hex case', () => {
    for (const encoded of [
      encodeURIComponent(SPECIAL),
      new URLSearchParams({ v: SPECIAL }).toString().slice(2),
      encodeURIComponent(SPECIAL).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    ]) {
      expect(encoded).not.toBe(SPECIAL);
      const out = secretMasker([SPECIAL]).mask(`GET /login?next=%2F&password=${encoded}&x=1`);
      expect(out).toBe('GET /login?next=%2F&password=***&x=1');
    }
  });

  it('masks it inside connection strings and URLs, raw or percent-encoded', () => {
    const url = new URL('postgres://db:5432/shop');
    url.username = 'shop';
    url.password = SPECIAL;
    const out = secretMasker([SPECIAL]).mask(`error: connect ${url.href} refused`);
    expect(out).toBe('error: connect postgres://shop:***@db:5432/shop refused');
    expect(secretMasker([GENERATED]).mask(`postgres://shop:${GENERATED}@db/shop`)).toBe(
      'postgres://shop:***@db/shop',
    );
    expect(
      secretMasker(["it's-a-long-pw"]).mask(`host=db password='it\\'s-a-long-pw' dbname=x`),
    ).toBe(`host=db password='***' dbname=x`);
  });

  it('masks it JSON-string-escaped: plain, \\/, \\u escapes, and escaped twice', () => {
    const json = JSON.stringify({ password: SPECIAL });
    expect(secretMasker([SPECIAL]).mask(json)).toBe('{"password":"***"}');
    const slashes = json.replace(/\//g, '\\/');
    expect(secretMasker([SPECIAL]).mask(slashes)).toBe('{"password":"***"}');
    const ascii = json.replace(/é/g, '\\u00e9');
    expect(secretMasker([SPECIAL]).mask(ascii)).toBe('{"password":"***"}');
    const nested = JSON.stringify({ msg: json });
    expectMasked(nested, SPECIAL);
    expect(secretMasker([SPECIAL]).mask(nested)).toBe(
      JSON.stringify({ msg: '{"password":"***"}' }),
    );
  });

  it('masks base64 of the value, alone', () => {
    for (const secret of [GENERATED, SPECIAL]) {
      for (const encoded of [b64(secret), b64(secret).replace(/=+$/, ''), b64url(secret)]) {
        expect(secretMasker([secret]).mask(`token ${encoded} end`)).toBe('token *** end');
      }
    }
  });

  it('masks every character carrying a bit of the value inside a longer base64 text', () => {
    // An HTTP Basic token (the user unknown to the masker), a docker `auth`, a base64 JSON blob:
    // the value at each of the three byte offsets, in both alphabets, at the start or the end.
    for (const secret of [GENERATED, SPECIAL]) {
      for (const prefix of ['', 'a:', 'ab:', 'abc:', 'shop:', '{"auth":"']) {
        for (const suffix of ['', '"}', '","more":"stuff"}']) {
          for (const encode of [b64, b64url]) {
            const blob = encode(`${prefix}${secret}${suffix}`);
            const out = secretMasker([secret]).mask(`Authorization: Basic ${blob} end`);
            expect(out).toContain('***');
            const [before = '', after = ''] = out
              .replace('Authorization: Basic ', '')
              .replace(/ end$/, '')
              .split('***');
            expect(blob.startsWith(before) && blob.endsWith(after)).toBe(true);
            // What is left holds the neighbours' bits only: a character that shares bits with
            // the value went with it.
            const startBit = Buffer.byteLength(prefix) * 8;
            const endBit = startBit + Buffer.byteLength(secret) * 8;
            expect(before.length * 6).toBeLessThanOrEqual(startBit);
            const unpadded = (text: string) => text.replace(/=+$/, '').length;
            expect((unpadded(blob) - unpadded(after)) * 6).toBeGreaterThanOrEqual(endBit);
          }
        }
      }
    }
  });

  it('keeps the user of a Basic token readable', () => {
    const out = secretMasker([GENERATED]).mask(`Basic ${b64(`shop:${GENERATED}`)}`);
    expect(out).toBe('Basic c2hvcD***');
  });

  it('masks it shell-quoted: single quotes, double quotes, backslash escapes', () => {
    const secret = `it's "$HOME" \`x\` ok`;
    for (const quoted of [
      `'it'\\''s "$HOME" \`x\` ok'`,
      `'it'"'"'s "$HOME" \`x\` ok'`,
      `"it's \\"\\$HOME\\" \\\`x\\\` ok"`,
      `it\\'s\\ \\"\\$HOME\\"\\ \\\`x\\\`\\ ok`,
    ]) {
      const out = secretMasker([secret]).mask(`+ psql --password=${quoted} -c 'select 1'`);
      expect(out).not.toContain('HOME');
      expect(out).toContain('***');
    }
  });
});

describe('secretMasker: overlaps and sets', () => {
  it('masks the longer of two nested secrets whole, once', () => {
    const inner = 'abcdefgh1234';
    const outer = `${inner}-and-more-5678`;
    expect(secretMasker([inner, outer]).mask(`x ${outer} y ${inner} z`)).toBe('x *** y *** z');
    expect(secretMasker([outer, inner]).mask(`x ${outer} y`)).toBe('x *** y');
  });

  it('merges secrets that overlap without nesting: nothing of either is left', () => {
    const a = 'alpha-beta-gamma';
    const b = 'gamma-delta-epsilon';
    const text = 'before alpha-beta-gamma-delta-epsilon after';
    expect(secretMasker([a, b]).mask(text)).toBe('before *** after');
    expect(secretMasker([b, a]).mask(text)).toBe('before *** after');
  });

  it('masks many occurrences and many secrets in one pass', () => {
    const secrets = Array.from({ length: 50 }, (_, i) => `secret-${i}-${GENERATED}`);
    const lines = secrets.map((s, i) => `line ${i}: ${i % 2 ? s : b64(s)}`);
    const out = secretMasker(secrets).mask(lines.join('\n'));
    expect(out.split('\n')).toEqual(secrets.map((_, i) => `line ${i}: ***`));
  });

  it('handles a 64 KiB log with 50 secrets', () => {
    const secrets = Array.from({ length: 50 }, (_, i) => `${GENERATED.slice(i % 7)}-${i}`);
    let text = '';
    for (let i = 0; text.length < 64 * 1024; i++) {
      text += `2026-12-02T15:00:00Z info GET /orders/${i} 200 user=alice db=postgres://shop:${secrets[i % 50]}@db/shop\n`;
    }
    const out = secretMasker(secrets).mask(text);
    for (const s of secrets) expect(out).not.toContain(s);
    expect(out.split('\n')[0]).toBe(
      '2026-12-02T15:00:00Z info GET /orders/0 200 user=alice db=postgres://shop:***@db/shop',
    );
  });
});

describe('secretMasker: ordinary text', () => {
  it('leaves text without the values untouched, to the byte', () => {
    const text = [
      'service api did not become healthy within 30 s',
      'GET /api/orders?page=2&sort=-created 200 {"ok":true}',
      'SGVsbG8gd29ybGQ= is base64, %2F is a slash, \\u00e9 is é',
      'sh -c \'echo "$HOME"\'',
    ].join('\n');
    expect(secretMasker([GENERATED, SPECIAL]).mask(text)).toBe(text);
    expect(redactSecrets(text, [GENERATED, SPECIAL])).toBe(text);
  });

  it(`never masks values shorter than ${MIN_MASKED_LENGTH} characters, nor blank ones`, () => {
    const text = 'user shop on port 5432 said postgres is ready';
    expect(secretMasker(['shop', '5432', 'ready', '', '       x']).mask(text)).toBe(text);
    expect(secretMasker(['shop']).size).toBe(0);
    expect(secretMasker(['postgres']).mask(text)).toBe('user shop on port 5432 said *** is ready');
    expect(encodedForms('1234567')).toEqual([]);
    for (const form of encodedForms('12345678')) {
      expect(form.length).toBeGreaterThanOrEqual(MIN_MASKED_LENGTH);
    }
  });

  it('never throws on a value that is not well-formed UTF-16', () => {
    const odd = 'lone-\ud800-surrogate';
    expect(secretMasker([odd]).mask(`x ${odd} y`)).toBe('x *** y');
  });

  it('treats regex characters in values as text', () => {
    const secret = 'a.b*c+d?e(f)[g]{h}|i^j$k\\l/m';
    expect(secretMasker([secret]).mask(`x ${secret} y aXbbbcdde`)).toBe('x *** y aXbbbcdde');
  });
});

describe('redactSecrets with values', () => {
  it('masks encoded values, then credential-shaped text by name', () => {
    const text = `login failed for ${b64(`shop:${SPECIAL}`)}; GITHUB_TOKEN=ghp_abcdefgh12345678`;
    expect(redactSecrets(text, [SPECIAL])).toBe('login failed for c2hvcD***; GITHUB_TOKEN=***');
  });

  it('accepts a prebuilt masker', () => {
    const masker = secretMasker([GENERATED]);
    expect(redactSecrets(`pw ${encodeURIComponent(GENERATED)}`, masker)).toBe('pw ***');
  });
});
