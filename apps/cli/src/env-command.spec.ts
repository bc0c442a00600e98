import { describe, expect, it } from 'vitest';
import { environmentTarget, extensionMs, sleepLine } from './env-command.js';
import { UsageError } from './repo-flags.js';

describe('berth env extend arguments', () => {
  it('takes owner/name#pr or owner/name pr', () => {
    expect(environmentTarget(['acme/shop#12'])).toEqual(['acme/shop', 12]);
    expect(environmentTarget(['acme/shop', '12'])).toEqual(['acme/shop', 12]);
  });

  it('refuses anything else, showing the form', () => {
    for (const bad of [[], ['acme/shop'], ['acme#12'], ['acme/shop#0'], ['acme/shop#x']]) {
      expect(() => environmentTarget(bad)).toThrow(/<owner\/name>#<pr>/);
    }
  });

  it('--by is a ttl-style duration from 1m to 14d', () => {
    expect(extensionMs('24h')).toBe(86_400_000);
    expect(extensionMs('1m')).toBe(60_000);
    expect(() => extensionMs('15d')).toThrow(UsageError);
    expect(() => extensionMs('1.5h')).toThrow(/--by: TTL/);
  });
});

describe('berth env sleep|wake answers', () => {
  it('describes a sleep, a wake, a job no worker took, and the rest', () => {
    expect(
      sleepLine('sleep', 'acme/shop#12', { status: 'asleep', jobId: '1', containers: ['a', 'b'] }),
    ).toBe(
      'acme/shop#12 is asleep: 2 container(s) stopped, data kept; the first request through the gateway wakes it',
    );
    expect(
      sleepLine('wake', 'acme/shop#12', {
        status: 'woken',
        jobId: '1',
        containers: ['a'],
        ms: 2400,
      }),
    ).toBe('acme/shop#12 is awake: 1 container(s) ready in 2.4 s');
    expect(
      sleepLine('sleep', 'acme/shop#12', { status: 'queued', jobId: '7', containers: [] }),
    ).toMatch(/sleep queued \(job 7\); no worker answered yet/);
    expect(
      sleepLine('wake', 'acme/shop#12', {
        status: 'waiting',
        jobId: '1',
        containers: [],
        detail: 'the preview is building a new deploy',
      }),
    ).toBe('acme/shop#12: waiting (the preview is building a new deploy)');
  });
});
