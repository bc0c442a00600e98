import { describe, expect, it } from 'vitest';
import {
  hostOfOwnershipName,
  normalizeDnsHost,
  ownershipName,
  ownershipValue,
  parseOwnershipValue,
} from './ownership-record.js';

const owner = {
  environmentId: '6f1c2a9e-0b7d-4e3a-9c51-2d8f0e4b7a13',
  repository: 'Acme/shop.web',
};
const host = 'web.pr-7-shop-0a1b2c3d4e.previews.example.com';

describe('ownership names', () => {
  it('prefixes the host with _berth., lowercased and without the trailing dot', () => {
    expect(ownershipName(`WEB.pr-7-shop-0a1b2c3d4e.previews.example.com.`)).toBe(`_berth.${host}`);
    expect(normalizeDnsHost(' Web.Example.com. ')).toBe('web.example.com');
  });

  it('finds the host an ownership name guards, and nothing for other names', () => {
    expect(hostOfOwnershipName(`_berth.${host}.`)).toBe(host);
    expect(hostOfOwnershipName(host)).toBeUndefined();
    expect(hostOfOwnershipName('_acme-challenge.example.com')).toBeUndefined();
    expect(hostOfOwnershipName('_berth.')).toBeUndefined();
  });
});

describe('ownership values', () => {
  it('is one quoted string naming heritage, environment and repository', () => {
    expect(ownershipValue(owner)).toBe(
      '"heritage=berth,berth-environment=6f1c2a9e-0b7d-4e3a-9c51-2d8f0e4b7a13,berth-repository=Acme/shop.web"',
    );
  });

  it('round-trips through the parser', () => {
    expect(parseOwnershipValue(ownershipValue(owner))).toEqual(owner);
  });

  it('splits past 255 characters into strings a resolver joins back', () => {
    const long = { environmentId: 'e'.repeat(200), repository: `o/${'r'.repeat(100)}` };
    const value = ownershipValue(long);
    expect(value).toMatch(/^"[^"]{255}" "[^"]+"$/);
    expect(parseOwnershipValue(value)).toEqual(long);
  });

  it('refuses fields that would break the format', () => {
    expect(() => ownershipValue({ environmentId: 'a,b', repository: 'o/r' })).toThrow(
      /environmentId `a,b` may hold only/,
    );
    expect(() => ownershipValue({ environmentId: 'a', repository: 'o/r"x' })).toThrow(RangeError);
  });

  it('reads escapes and partial values, and ignores fields it does not know', () => {
    expect(parseOwnershipValue('"heritage=berth,berth-environment=e1,future=\\"x\\""')).toEqual({
      environmentId: 'e1',
    });
    expect(parseOwnershipValue('"heritage\\075berth" ",berth-repository=o/r"')).toEqual({
      repository: 'o/r',
    });
  });

  it('is not Berth’s without heritage=berth', () => {
    expect(
      parseOwnershipValue('"heritage=external-dns,external-dns/owner=default"'),
    ).toBeUndefined();
    expect(parseOwnershipValue('"v=spf1 -all"')).toBeUndefined();
    expect(parseOwnershipValue('')).toBeUndefined();
  });
});
