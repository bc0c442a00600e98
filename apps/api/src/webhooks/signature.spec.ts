import { signWebhookBody } from '@berth/testing';
import { describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from './signature.js';

const secret = 'It is a secret to everybody';
const body = Buffer.from('{"zen":"Design for failure."}');

describe('verifyWebhookSignature', () => {
  it('accepts GitHub signatures over the exact bytes', () => {
    expect(verifyWebhookSignature(secret, body, signWebhookBody(secret, body))).toBe(true);
    const upper = signWebhookBody(secret, body).replace(/[a-f]/g, (c) => c.toUpperCase());
    expect(verifyWebhookSignature(secret, body, upper.replace('SHA256', 'sha256'))).toBe(true);
  });

  it('rejects other secrets, other bytes, missing and malformed headers', () => {
    expect(verifyWebhookSignature(secret, body, signWebhookBody('other', body))).toBe(false);
    expect(
      verifyWebhookSignature(secret, Buffer.from(`${body} `), signWebhookBody(secret, body)),
    ).toBe(false);
    expect(verifyWebhookSignature(secret, body, undefined)).toBe(false);
    expect(verifyWebhookSignature(secret, body, '')).toBe(false);
    expect(verifyWebhookSignature(secret, body, `sha1=${'0'.repeat(40)}`)).toBe(false);
    expect(verifyWebhookSignature(secret, body, `sha256=${'0'.repeat(63)}`)).toBe(false);
  });

  it('verifies bytes that are not valid UTF-8 without re-decoding them', () => {
    const binary = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    expect(verifyWebhookSignature(secret, binary, signWebhookBody(secret, binary))).toBe(true);
  });
});
