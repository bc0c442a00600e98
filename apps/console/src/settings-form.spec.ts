import { describe, expect, it } from 'vitest';
import { formOf, settingsPatch } from './settings-form.js';

const settings = {
  fullName: 'acme/shop',
  enabled: true,
  accessMode: 'private',
  composePath: 'deploy/compose.yaml',
  defaultTtlHours: 48,
  ipAllowlist: ['10.0.0.0/8'],
};

describe('the repository settings form', () => {
  it('starts from the answered settings, empty where Berth’s default applies', () => {
    const form = formOf(settings);
    expect(form).toMatchObject({
      composePath: 'deploy/compose.yaml',
      defaultTtlHours: '48',
      maxMemoryMb: '',
      accessMode: 'private',
      ipAllowlist: '10.0.0.0/8',
    });
  });

  it('sends only what changed, an emptied field as null, numbers as numbers', () => {
    const before = formOf(settings);
    expect(settingsPatch(before, before)).toEqual({ patch: {}, problems: [] });
    expect(
      settingsPatch(before, {
        ...before,
        composePath: '',
        defaultTtlHours: ' 72 ',
        maxCpus: '1.5',
        defaultDbMode: 'branch',
        ipAllowlist: '10.0.0.0/8\n192.168.0.0/16, ',
      }),
    ).toEqual({
      patch: {
        composePath: null,
        defaultTtlHours: 72,
        maxCpus: 1.5,
        defaultDbMode: 'branch',
        ipAllowlist: ['10.0.0.0/8', '192.168.0.0/16'],
      },
      problems: [],
    });
  });

  it('names a field that is not a number, and never clears the access mode', () => {
    const before = formOf(settings);
    expect(settingsPatch(before, { ...before, maxPids: 'lots', accessMode: '' })).toEqual({
      patch: {},
      problems: [{ field: 'maxPids', message: 'must be a number' }],
    });
  });
});
