import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

// The manifest flow's `state`: GitHub hands it back on the callback unchanged. It is minted only
// by the guarded setup page, signed with a key derived from BERTH_MASTER_KEY, short-lived, and
// also set as a cookie on the browser that asked — so a callback carrying someone else's code
// (login CSRF: an attacker's App installed as ours) or a forged or stale state is refused.

const TTL_SECONDS = 3600; // GitHub's manifest code lives one hour too
export const SETUP_STATE_COOKIE = 'berth_setup_state';

function stateKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'berth:setup-state:v1', 32));
}

export function issueSetupState(masterKey: Buffer, now = Date.now()): string {
  const body = `${Math.floor(now / 1000) + TTL_SECONDS}.${randomBytes(16).toString('hex')}`;
  return `${body}.${sign(masterKey, body)}`;
}

export type StateCheck = { ok: true } | { ok: false; reason: string };

export function checkSetupState(
  masterKey: Buffer,
  state: string | undefined,
  cookie: string | undefined,
  now = Date.now(),
): StateCheck {
  const match = /^(\d{1,12})\.([0-9a-f]{32})\.([0-9a-f]{64})$/.exec(state ?? '');
  if (!match) return { ok: false, reason: 'the state parameter is missing or malformed' };
  const body = `${match[1]}.${match[2]}`;
  const given = Buffer.from(match[3] ?? '', 'hex');
  const expected = Buffer.from(sign(masterKey, body), 'hex');
  if (!timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'the state parameter was not issued by this Berth' };
  }
  if (Number(match[1]) * 1000 < now) {
    return { ok: false, reason: 'the setup took longer than an hour: start again' };
  }
  const a = Buffer.from(cookie ?? '');
  const b = Buffer.from(state ?? '');
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    return {
      ok: false,
      reason: 'this browser did not start the setup (the setup cookie is missing or different)',
    };
  }
  return { ok: true };
}

function sign(masterKey: Buffer, body: string): string {
  return createHmac('sha256', stateKey(masterKey)).update(body).digest('hex');
}

/** One cookie's value from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}
