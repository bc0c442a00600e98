// Reads the credentials on a request: `Authorization: token|Bearer <x>` for the REST API,
// Basic `x-access-token:<token>` for git. Pure over the headers + state.
import type { IncomingHttpHeaders } from 'node:http';
import { verifyAppJwt } from './jwt.js';
import type { EmulatorState } from './state.js';
import type { AuthKind, TokenRecord } from './types.js';

export type Credentials =
  | { kind: 'none' }
  | { kind: 'app-jwt' }
  | { kind: 'installation-token'; token: TokenRecord }
  | { kind: 'invalid'; message: string };

export function readCredentials(headers: IncomingHttpHeaders, state: EmulatorState): Credentials {
  const header = headers.authorization;
  if (!header) return { kind: 'none' };
  const match = /^(token|bearer|basic)\s+(\S+)$/i.exec(header.trim());
  if (!match) return { kind: 'invalid', message: 'Bad credentials' };
  const scheme = (match[1] as string).toLowerCase();
  let secret = match[2] as string;
  if (scheme === 'basic') {
    const decoded = Buffer.from(secret, 'base64').toString('utf8');
    // GitHub takes the token as the password (any username, conventionally x-access-token).
    secret = decoded.slice(decoded.indexOf(':') + 1);
  }
  const token = state.liveToken(secret);
  if (token) return { kind: 'installation-token', token };
  if (secret.split('.').length === 3) {
    const check = verifyAppJwt(
      secret,
      state.app.publicKey,
      state.app.id,
      Math.floor(Date.now() / 1000),
    );
    return check.ok ? { kind: 'app-jwt' } : { kind: 'invalid', message: check.message };
  }
  return { kind: 'invalid', message: 'Bad credentials' };
}

export function authKind(credentials: Credentials): AuthKind {
  return credentials.kind;
}
