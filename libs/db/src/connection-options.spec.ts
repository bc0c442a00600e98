import { describe, expect, it } from 'vitest';
import { DatabaseUrlError, describeConnection, parseDatabaseUrl } from './connection-options.js';

describe('parseDatabaseUrl', () => {
  it('splits a URL into the discrete fields the pg adapter needs', () => {
    expect(parseDatabaseUrl('postgresql://berth:berth@127.0.0.1:5432/berth')).toEqual({
      host: '127.0.0.1',
      port: 5432,
      user: 'berth',
      password: 'berth',
      database: 'berth',
    });
  });

  it('decodes percent-encoded credentials, defaults the port, keeps schema and sslmode', () => {
    const parsed = parseDatabaseUrl(
      'postgres://us%40er:p%2Fw%3A@db.internal/app%5Fx?schema=s1&sslmode=require',
    );
    expect(parsed).toEqual({
      host: 'db.internal',
      port: 5432,
      user: 'us@er',
      password: 'p/w:',
      database: 'app_x',
      schema: 's1',
      ssl: { rejectUnauthorized: false },
    });
    expect(parseDatabaseUrl('postgresql://u@h/d?sslmode=verify-full').ssl).toEqual({
      rejectUnauthorized: true,
    });
  });

  it('unbrackets IPv6 hosts', () => {
    expect(parseDatabaseUrl('postgresql://u:p@[::1]:6543/d').host).toBe('::1');
    expect(describeConnection(parseDatabaseUrl('postgresql://u:p@[::1]:6543/d'))).toBe(
      '[::1]:6543/d',
    );
  });

  it.each([
    ['', /DATABASE_URL is empty/],
    ['not a url', /DATABASE_URL is not a URL/],
    ['mysql://u:p@h/d', /postgresql:\/\/ scheme/],
    ['postgresql://u:p@h:5432/', /no single database name/],
    ['postgresql://h:5432/d', /no user/],
  ])('rejects %j with a message naming the field', (input, message) => {
    expect(() => parseDatabaseUrl(input)).toThrow(DatabaseUrlError);
    expect(() => parseDatabaseUrl(input)).toThrow(message);
  });

  it('names the field it was given', () => {
    expect(() => parseDatabaseUrl('', 'TEST_DATABASE_URL')).toThrow(/^TEST_DATABASE_URL is empty/);
  });

  it('never puts the password in descriptions', () => {
    expect(describeConnection(parseDatabaseUrl('postgresql://u:hunter2@h:1/d'))).toBe('h:1/d');
  });
});
