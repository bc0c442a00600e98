import { describe, expect, it } from 'vitest';
import { probeCommand } from './exec-probe.js';

describe('probeCommand', () => {
  it('runs CMD as given, without a shell', () => {
    expect(probeCommand(['CMD', 'redis-cli', 'ping'])).toEqual(['redis-cli', 'ping']);
  });

  it('runs CMD-SHELL and a plain string through /bin/sh -c', () => {
    expect(probeCommand(['CMD-SHELL', 'pg_isready -h 127.0.0.1'])).toEqual([
      '/bin/sh',
      '-c',
      'pg_isready -h 127.0.0.1',
    ]);
    expect(probeCommand('test -f /tmp/ok')).toEqual(['/bin/sh', '-c', 'test -f /tmp/ok']);
  });

  it('has nothing to run for NONE', () => {
    expect(probeCommand(['NONE'])).toBeNull();
  });

  it('refuses malformed tests, naming the accepted forms', () => {
    expect(() => probeCommand(['CMD'])).toThrow(/\[CMD, program, args…\]/);
    expect(() => probeCommand(['CMD-SHELL', 'a', 'b'])).toThrow(/CMD-SHELL/);
    expect(() => probeCommand(['curl', '-f', 'x'])).toThrow(/NONE/);
  });
});
