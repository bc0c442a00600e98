// AWS JSON 1.1 framing: `POST /`, `X-Amz-Target: secretsmanager.<Operation>`, JSON in and out.
// Errors are HTTP 4xx/5xx with `{"__type": code, "Message": text}` and `x-amzn-ErrorType`.
import type { ServerResponse } from 'node:http';

export const CONTENT_TYPE = 'application/x-amz-json-1.1';
const TARGET_PREFIX = 'secretsmanager.';

/** An error as Secrets Manager puts it on the wire. */
export class SecretsManagerError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /**
     * Modelled Secrets Manager exceptions carry `Message` (the model's member); errors raised by
     * AWS's request front end (auth, throttling, validation) carry `message`.
     */
    readonly messageField: 'Message' | 'message' = 'Message',
  ) {
    super(message);
  }
}

export type JsonObject = Record<string, unknown>;

/** `secretsmanager.GetSecretValue` → `GetSecretValue`. */
export function operationFromTarget(target: string | string[] | undefined): string | undefined {
  if (typeof target !== 'string' || !target.startsWith(TARGET_PREFIX)) return undefined;
  const name = target.slice(TARGET_PREFIX.length);
  return /^[A-Za-z]+$/.test(name) ? name : undefined;
}

export function parseJsonObject(raw: Buffer): JsonObject {
  const text = raw.toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SecretsManagerError('SerializationException', 'Malformed JSON body', 400, 'message');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SecretsManagerError(
      'SerializationException',
      'Start of structure or map expected',
      400,
      'message',
    );
  }
  return parsed as JsonObject;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: JsonObject,
  requestId: string,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'x-amzn-requestid': requestId,
    'content-type': CONTENT_TYPE,
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

export function sendError(
  res: ServerResponse,
  error: SecretsManagerError,
  requestId: string,
): void {
  sendJson(
    res,
    error.status,
    { __type: error.code, [error.messageField]: error.message },
    requestId,
    { 'x-amzn-errortype': error.code },
  );
}
