import { timingSafeEqual } from 'node:crypto';
import { signValue, verifyValue } from './signed-value.js';

const CONTEXT = 'berth-sso-flow-v1';

export type SsoProvider = 'github' | 'oidc';

/** Where a sign-in started and what its provider round trip must echo back. */
export interface SignInFlow {
  provider: SsoProvider;
  /** Echoed by the provider in `state`; binds the callback to this browser's flow cookie. */
  state: string;
  /** OIDC only: must come back inside the ID token. */
  nonce?: string;
  /** PKCE: the verifier whose S256 challenge went to the provider. */
  codeVerifier: string;
  /** The preview the person is on their way to, and where on it. */
  environmentId: string;
  previewHost: string;
  returnPath: string;
  expiresAt: Date;
}

/** The flow cookie's value (host-only on the sign-in host, for one round trip). */
export function sealSignInFlow(secret: string, flow: SignInFlow): string {
  return signValue(secret, CONTEXT, { ...flow, expiresAt: flow.expiresAt.getTime() });
}

export type SignInFlowVerdict =
  | { ok: true; flow: SignInFlow }
  | { ok: false; reason: 'no-flow' | 'expired' | 'state-mismatch' | 'wrong-provider' };

/**
 * The flow a provider callback belongs to: the cookie must verify, be fresh, be for this
 * provider, and its state must equal the one the provider echoed (constant-time compare).
 */
export function openSignInFlow(
  secret: string,
  cookie: string | undefined,
  callback: { provider: SsoProvider; state: string | undefined },
  now: Date,
): SignInFlowVerdict {
  const raw = cookie === undefined ? undefined : verifyValue(secret, CONTEXT, cookie);
  const flow = parseFlow(raw);
  if (!flow) return { ok: false, reason: 'no-flow' };
  if (flow.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
  if (flow.provider !== callback.provider) return { ok: false, reason: 'wrong-provider' };
  if (callback.state === undefined || !sameString(flow.state, callback.state)) {
    return { ok: false, reason: 'state-mismatch' };
  }
  return { ok: true, flow };
}

function parseFlow(raw: unknown): SignInFlow | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const strings = ['state', 'codeVerifier', 'environmentId', 'previewHost', 'returnPath'];
  if (!strings.every((key) => typeof r[key] === 'string')) return undefined;
  if (r.provider !== 'github' && r.provider !== 'oidc') return undefined;
  if (typeof r.expiresAt !== 'number') return undefined;
  if (r.nonce !== undefined && typeof r.nonce !== 'string') return undefined;
  return {
    provider: r.provider,
    state: r.state as string,
    ...(typeof r.nonce === 'string' ? { nonce: r.nonce } : {}),
    codeVerifier: r.codeVerifier as string,
    environmentId: r.environmentId as string,
    previewHost: r.previewHost as string,
    returnPath: r.returnPath as string,
    expiresAt: new Date(r.expiresAt),
  };
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
