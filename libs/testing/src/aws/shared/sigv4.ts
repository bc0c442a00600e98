// Reads a SigV4 credential scope without checking the signature: the emulators trust any key,
// but a client that forgets to sign must still fail the way it would against AWS.
import type { IncomingHttpHeaders } from 'node:http';

export interface CredentialScope {
  accessKeyId: string;
  /** yyyymmdd */
  date: string;
  region: string;
  service: string;
}

export type SigV4Result =
  | { kind: 'signed'; scope: CredentialScope }
  | { kind: 'missing' }
  | { kind: 'incomplete'; message: string };

const ALGORITHM = 'AWS4-HMAC-SHA256';

export function readSigV4(headers: IncomingHttpHeaders, query: URLSearchParams): SigV4Result {
  const authorization = headers.authorization;
  if (authorization === undefined || authorization === '') {
    // Presigned URLs carry the same parts in the query string.
    if (query.get('X-Amz-Algorithm') === ALGORITHM) return fromQuery(query);
    return { kind: 'missing' };
  }
  const params = authorizationParams(authorization);
  const problems: string[] = [];
  if (!params.Credential) problems.push("Authorization header requires 'Credential' parameter.");
  if (!params.Signature) problems.push("Authorization header requires 'Signature' parameter.");
  if (!params.SignedHeaders) {
    problems.push("Authorization header requires 'SignedHeaders' parameter.");
  }
  if (!headers['x-amz-date'] && !headers.date) {
    problems.push(
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  }
  if (!authorization.startsWith(`${ALGORITHM} `) || problems.length > 0) {
    // AWS lists every missing part, then echoes the header.
    return { kind: 'incomplete', message: `${problems.join(' ')} Authorization=${authorization}` };
  }
  return scopeFrom(params.Credential ?? '');
}

function authorizationParams(header: string): Record<string, string> {
  const rest = header.startsWith(ALGORITHM) ? header.slice(ALGORITHM.length) : '';
  const params: Record<string, string> = {};
  for (const part of rest.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) params[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return params;
}

function fromQuery(query: URLSearchParams): SigV4Result {
  if (!query.get('X-Amz-Signature') || !query.get('X-Amz-Credential')) {
    return {
      kind: 'incomplete',
      message: 'AWS query-string parameters must include X-Amz-Credential and X-Amz-Signature.',
    };
  }
  return scopeFrom(query.get('X-Amz-Credential') ?? '');
}

/** `AKID/20240101/eu-west-1/secretsmanager/aws4_request` */
function scopeFrom(credential: string): SigV4Result {
  const parts = credential.split('/');
  const [accessKeyId, date, region, service, terminator] = parts;
  if (parts.length !== 5 || !accessKeyId || !date || !region || !service) {
    return {
      kind: 'incomplete',
      message: `Credential should be scoped to a valid region. Credential=${credential}`,
    };
  }
  if (terminator !== 'aws4_request') {
    return {
      kind: 'incomplete',
      message: `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`,
    };
  }
  return { kind: 'signed', scope: { accessKeyId, date, region, service } };
}
