import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

// AES-256-GCM envelope (docs/decisions/0007-secret-envelope-and-allowlist.md): every value gets
// its own random data key, and only that key is sealed under the operator's master key. Rotating
// the master key then re-seals 32-byte keys, never the values, and one leaked data key opens one
// value. Both seals bind the secret's address (scope + name) as additional data, so ciphertext
// copied onto another row fails to open instead of answering for the wrong name.

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The stored form: both parts are IV ‖ ciphertext ‖ tag. */
export interface SealedSecret {
  /** Envelope format; 1 = AES-256-GCM data key under an AES-256-GCM master key. */
  version: 1;
  wrappedKey: Buffer;
  ciphertext: Buffer;
}

/** The value's address, bound into both seals. */
export interface SecretAddress {
  scope: string;
  name: string;
}

/** A seal that does not open: wrong master key, or the row was altered or moved. */
export class SecretDecryptionError extends Error {
  override readonly name = 'SecretDecryptionError';
  constructor(address: SecretAddress) {
    super(
      `secret ${address.scope}/${address.name} cannot be decrypted: BERTH_MASTER_KEY is not the key it was stored under, or the row was altered`,
    );
  }
}

export function assertMasterKey(masterKey: Buffer): void {
  if (masterKey.length !== KEY_BYTES) {
    throw new Error(
      `the master key must be ${KEY_BYTES} bytes (BERTH_MASTER_KEY; generate one with \`openssl rand -base64 32\`), got ${masterKey.length}`,
    );
  }
}

export function sealSecret(masterKey: Buffer, address: SecretAddress, value: string): SealedSecret {
  assertMasterKey(masterKey);
  const dataKey = randomBytes(KEY_BYTES);
  try {
    const aad = additionalData(address);
    return {
      version: 1,
      wrappedKey: seal(masterKey, dataKey, aad),
      ciphertext: seal(dataKey, Buffer.from(value, 'utf8'), aad),
    };
  } finally {
    dataKey.fill(0);
  }
}

export function openSecret(
  masterKey: Buffer,
  address: SecretAddress,
  sealed: SealedSecret,
): string {
  assertMasterKey(masterKey);
  const aad = additionalData(address);
  let dataKey: Buffer | undefined;
  try {
    dataKey = open(masterKey, sealed.wrappedKey, aad);
    return open(dataKey, sealed.ciphertext, aad).toString('utf8');
  } catch {
    // GCM says only "unable to authenticate": name the secret and the likely cause instead.
    throw new SecretDecryptionError(address);
  } finally {
    dataKey?.fill(0);
  }
}

/**
 * A short, stable id of a master key (not derivable back to it): stored next to each data key so
 * a reader knows which key of the ring opens it.
 */
export function masterKeyId(masterKey: Buffer): string {
  return createHash('sha256')
    .update('berth-master-key-id:')
    .update(masterKey)
    .digest('hex')
    .slice(0, 16);
}

/**
 * The current master key and the ones it replaced (BERTH_MASTER_KEY, BERTH_MASTER_KEY_PREVIOUS).
 * Writes use the current key; reads open whatever key a row names. Rotation without downtime:
 * every process gets the new key as current and the old one as previous, then the rotate command
 * re-seals every data key, then the previous key is dropped.
 */
export class MasterKeyring {
  readonly currentId: string;
  private readonly byId: Map<string, Buffer>;

  constructor(
    readonly current: Buffer,
    previous: readonly Buffer[] = [],
  ) {
    for (const key of [current, ...previous]) assertMasterKey(key);
    this.currentId = masterKeyId(current);
    this.byId = new Map([current, ...previous].map((key) => [masterKeyId(key), key]));
  }

  /** The key a row was sealed under; every key when the row predates key ids. */
  candidates(keyId: string | null | undefined): Buffer[] {
    if (keyId) {
      const key = this.byId.get(keyId);
      return key ? [key] : [];
    }
    return [...this.byId.values()];
  }
}

/** Opens with the first candidate key that authenticates (rows older than key ids name none). */
export function openWithRing(
  ring: MasterKeyring,
  keyId: string | null | undefined,
  address: SecretAddress,
  sealed: SealedSecret,
): { value: string; key: Buffer } {
  for (const key of ring.candidates(keyId)) {
    try {
      return { value: openSecret(key, address, sealed), key };
    } catch (error) {
      if (!(error instanceof SecretDecryptionError)) throw error;
    }
  }
  throw new SecretDecryptionError(address);
}

/**
 * The same value under another master key: only the 32-byte data key is opened and sealed again,
 * the value's ciphertext is untouched.
 */
export function rewrapSecret(
  from: Buffer,
  to: Buffer,
  address: SecretAddress,
  sealed: SealedSecret,
): SealedSecret {
  assertMasterKey(to);
  const aad = additionalData(address);
  let dataKey: Buffer | undefined;
  try {
    dataKey = open(from, sealed.wrappedKey, aad);
  } catch {
    throw new SecretDecryptionError(address);
  }
  try {
    return { version: 1, wrappedKey: seal(to, dataKey, aad), ciphertext: sealed.ciphertext };
  } finally {
    dataKey.fill(0);
  }
}

function additionalData(address: SecretAddress): Buffer {
  return Buffer.from(`berth-secret:v1:${address.scope}:${address.name}`, 'utf8');
}

function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

function open(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error('sealed value too short');
  const iv = sealed.subarray(0, IV_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([
    decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
    decipher.final(),
  ]);
}
