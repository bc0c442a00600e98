// What every Secrets Manager operation handler receives, and helpers they share.
import { randomUUID } from 'node:crypto';
import { invalidParameter, markedForDeletion, validationError } from './errors.js';
import type { Input } from './input.js';
import type { JsonObject } from './protocol.js';
import type { SecretRecord, SecretStore } from './state.js';

export interface SecretsContext {
  /** The store of the region the request was signed for. */
  store: SecretStore;
  /** How long a ForceDeleteWithoutRecovery deletion keeps the name taken. */
  forceDeleteDelayMs: number;
}

export type SecretsOperation = (ctx: SecretsContext, input: Input) => JsonObject;

const NAME = /^[a-zA-Z0-9/_+=.@-]{1,512}$/;

export function validateName(name: string): void {
  if (!NAME.test(name)) {
    throw invalidParameter(
      'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
    );
  }
}

/** The secret, unless it is scheduled for deletion (then AWS refuses to touch it). */
export function requireActive(ctx: SecretsContext, secretId: string): SecretRecord {
  const record = ctx.store.require(secretId);
  if (record.deletedAt) throw markedForDeletion();
  return record;
}

export interface SecretValue {
  secretString: string | undefined;
  secretBinary: string | undefined;
}

/** SecretString / SecretBinary of a request; undefined when it has neither. */
export function readValue(input: Input): SecretValue | undefined {
  const secretString = input.optionalString('SecretString');
  const secretBinary = input.optionalString('SecretBinary');
  if (secretString !== undefined && secretBinary !== undefined) {
    throw invalidParameter(
      "You can't specify both a binary secret value and a string secret value in the same secret.",
    );
  }
  if (secretString === undefined && secretBinary === undefined) return undefined;
  if (secretString !== undefined && secretString.length > 65536) {
    throw validationError(
      "Value at 'secretString' failed to satisfy constraint: Member must have length less than or equal to 65536",
    );
  }
  return { secretString, secretBinary };
}

/** The version id: the caller's idempotency token (SDKs fill one in), else a fresh UUID. */
export function readToken(input: Input): string {
  const token = input.optionalString('ClientRequestToken');
  if (token === undefined) return randomUUID();
  if (token.length < 32 || token.length > 64) {
    throw validationError(
      "Value at 'clientRequestToken' failed to satisfy constraint: Member must have length between 32 and 64",
    );
  }
  return token;
}

export const sameValue = (a: SecretValue, b: SecretValue): boolean =>
  a.secretString === b.secretString && a.secretBinary === b.secretBinary;

/** AWS records LastAccessedDate to the day. */
export function startOfUtcDay(ms: number): Date {
  const date = new Date(ms);
  date.setUTCHours(0, 0, 0, 0);
  return date;
}
