import { describe, expect, it } from 'vitest';
import { listingKey, mentionsName, plainName, recordSetKey, route53Name } from './route53-names.js';

describe('Route 53 names', () => {
  it('stores names lowercase, fully qualified, with octal escapes', () => {
    expect(route53Name('Web.Previews.Example.com')).toBe('web.previews.example.com.');
    expect(route53Name('*.previews.example.com.')).toBe('\\052.previews.example.com.');
    expect(route53Name('\\052.previews.example.com.')).toBe('\\052.previews.example.com.');
    expect(plainName('\\052.Previews.example.com.')).toBe('*.previews.example.com');
  });

  it('sorts by reversed labels with the trailing dot', () => {
    expect(listingKey('www.example.com')).toBe('com.example.www.');
    const names = ['b.example.com', 'a.b.example.com', '_berth.a.example.com', 'a.example.com'];
    expect(names.sort((x, y) => (listingKey(x) < listingKey(y) ? -1 : 1))).toEqual([
      'a.example.com',
      '_berth.a.example.com',
      'b.example.com',
      'a.b.example.com',
    ]);
  });

  it('keys record sets by name, type and set identifier', () => {
    expect(recordSetKey('X.example.com', 'CNAME')).toBe('x.example.com.|CNAME|');
    expect(recordSetKey('x.example.com.', 'A', 'blue')).toBe('x.example.com.|A|blue');
  });

  it('finds a name in an error message only as a whole name', () => {
    const message =
      "[RRSet with DNS name web.pr-1.elsewhere.org. is not permitted in zone previews.example.com., Tried to delete resource record set [name='_berth.api.previews.example.com.', type='TXT'] but it was not found]";
    expect(mentionsName(message, 'web.pr-1.elsewhere.org')).toBe(true);
    expect(mentionsName(message, '_berth.api.previews.example.com')).toBe(true);
    expect(mentionsName(message, 'api.previews.example.com')).toBe(false);
    expect(mentionsName(message, 'pr-1.elsewhere.org')).toBe(false);
    expect(mentionsName(message, 'web.pr-1.elsewhere')).toBe(false);
  });
});
