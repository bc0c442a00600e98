import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, LABEL_OPTIONS, type LabelOption } from './label-config.js';
import { parseLabels } from './parse-labels.js';

const ALL = new Set<LabelOption>(LABEL_OPTIONS);

describe('parseLabels', () => {
  it('gives the defaults with no labels: full stack, fresh DB, 72 h', () => {
    expect(parseLabels([])).toEqual({
      config: DEFAULT_CONFIG,
      problems: [],
      unsupported: [],
      ttlFromLabel: false,
    });
    expect(DEFAULT_CONFIG.ttlMs).toBe(72 * 3_600_000);
  });

  it('ignores labels outside Berth namespaces', () => {
    const result = parseLabels(['bug', 'preview', 'dbx:fresh', 'Priority: high', 'ttl', 'TTLs:1d']);
    expect(result).toEqual({
      config: DEFAULT_CONFIG,
      problems: [],
      unsupported: [],
      ttlFromLabel: false,
    });
  });

  it('reads every known label when all are supported', () => {
    const { config, problems, unsupported } = parseLabels(
      ['preview:frontend-only', 'preview:rebuild', 'preview:approved', 'db:branch', 'ttl:24h'],
      { supported: ALL },
    );
    expect(problems).toEqual([]);
    expect(unsupported).toEqual([]);
    expect(config).toEqual({
      skip: false,
      mode: 'frontend-only',
      rebuild: true,
      approved: true,
      database: 'branch',
      databaseFromLabel: true,
      ttlMs: 24 * 3_600_000,
    });
  });

  it('is case- and whitespace-insensitive and ignores duplicates', () => {
    const { config, problems } = parseLabels([' Preview:Skip ', 'preview:skip', 'TTL:3D']);
    expect(problems).toEqual([]);
    expect(config.skip).toBe(true);
    expect(config.ttlMs).toBe(3 * 86_400_000);
  });

  it('reports unknown labels in Berth namespaces with the known list', () => {
    const { problems, config } = parseLabels(['preview:foo', 'db:', 'preview:']);
    expect(config).toEqual(DEFAULT_CONFIG);
    expect(problems.map((p) => p.label)).toEqual(['db:', 'preview:', 'preview:foo']);
    expect(problems[2]?.message).toMatch(
      /^unknown label `preview:foo` — known: preview:full-stack, .*ttl:<duration>$/,
    );
  });

  it('reports options not built yet as unsupported, and uses defaults instead of faking them', () => {
    // Every option is built today: a stage that does not build one passes a smaller set.
    const { config, problems, unsupported } = parseLabels(['preview:frontend-only'], {
      supported: new Set(['preview:full-stack']),
    });
    expect(problems).toEqual([]);
    expect(config.mode).toBe('full-stack');
    expect(unsupported.map((u) => u.label)).toEqual(['preview:frontend-only']);
    expect(unsupported[0]?.message).toMatch(/not yet supported; using full-stack/);
  });

  it('reads db:snapshot, and db:seed-from-production as its older name', () => {
    for (const label of ['db:snapshot', 'db:seed-from-production']) {
      const { config, problems, unsupported } = parseLabels([label]);
      expect(config).toMatchObject({ database: 'snapshot', databaseFromLabel: true });
      expect([...problems, ...unsupported]).toEqual([]);
    }
  });

  it('reads db:branch, and says when no db label chose the mode', () => {
    expect(parseLabels(['db:branch']).config).toMatchObject({
      database: 'branch',
      databaseFromLabel: true,
    });
    expect(parseLabels(['db:fresh']).config.databaseFromLabel).toBe(true);
    expect(parseLabels([]).config.databaseFromLabel).toBe(false);
  });

  it('lets the supported set grow', () => {
    const supported = new Set<LabelOption>(['db:branch', 'ttl']);
    const { config, unsupported } = parseLabels(['db:branch', 'preview:skip'], { supported });
    expect(config.database).toBe('branch');
    expect(config.skip).toBe(false);
    expect(unsupported.map((u) => u.label)).toEqual(['preview:skip']);
  });

  it('an unsupported ttl keeps the default TTL', () => {
    const { config, unsupported } = parseLabels(['ttl:1h'], { supported: new Set() });
    expect(config.ttlMs).toBe(DEFAULT_CONFIG.ttlMs);
    expect(unsupported[0]?.message).toMatch(/default TTL of 3d/);
  });

  describe('conflicts resolve deterministically, whatever the order', () => {
    const orders = (labels: string[]) => [labels, [...labels].reverse()];

    it('full-stack beats frontend-only', () => {
      for (const labels of orders(['preview:frontend-only', 'preview:full-stack'])) {
        const { config, problems } = parseLabels(labels, { supported: ALL });
        expect(config.mode).toBe('full-stack');
        expect(problems).toEqual([
          {
            label: 'preview:frontend-only',
            message:
              'conflicts with `preview:full-stack`; only one preview mode applies, `preview:full-stack` wins',
          },
        ]);
      }
    });

    it('db: fresh beats branch beats snapshot (seed-from-production)', () => {
      for (const labels of orders(['db:seed-from-production', 'db:branch', 'db:fresh'])) {
        const { config, problems } = parseLabels(labels, { supported: ALL });
        expect(config.database).toBe('fresh');
        expect(problems.map((p) => p.label)).toEqual(['db:branch', 'db:seed-from-production']);
      }
      const { config } = parseLabels(['db:seed-from-production', 'db:branch'], { supported: ALL });
      expect(config.database).toBe('branch');
    });

    it('the shortest of several TTLs wins', () => {
      for (const labels of orders(['ttl:3d', 'ttl:1h', 'ttl:2d'])) {
        const { config, problems } = parseLabels(labels);
        expect(config.ttlMs).toBe(3_600_000);
        expect(problems.map((p) => p.label).sort()).toEqual(['ttl:2d', 'ttl:3d']);
        expect(problems[0]?.message).toMatch(/shortest, `ttl:1h`, applies/);
      }
    });

    it('two TTL labels meaning the same duration still conflict', () => {
      const { problems, config } = parseLabels(['ttl:24h', 'ttl:1d']);
      expect(config.ttlMs).toBe(86_400_000);
      expect(problems).toHaveLength(1);
    });
  });

  describe('ttl values', () => {
    it.each(['ttl:', 'ttl:forever', 'ttl:1.5h', 'ttl:-1h', 'ttl:1y', 'ttl:10'])(
      '%j is a problem and the default applies',
      (label) => {
        const { config, problems } = parseLabels([label]);
        expect(config.ttlMs).toBe(DEFAULT_CONFIG.ttlMs);
        expect(problems).toHaveLength(1);
        expect(problems[0]?.message).toMatch(/TTL/);
      },
    );

    it('clamps out-of-range TTLs to the bounds and says so', () => {
      const low = parseLabels(['ttl:0m']);
      expect(low.config.ttlMs).toBe(60_000);
      expect(low.problems[0]?.message).toMatch(/between 1m and 14d; using 1m/);
      const high = parseLabels(['ttl:30d']);
      expect(high.config.ttlMs).toBe(14 * 86_400_000);
      expect(high.problems[0]?.message).toMatch(/using 14d/);
    });

    it('accepts one minute (decision 0020: a quick look, and tests) and says the label set it', () => {
      const { config, problems, ttlFromLabel } = parseLabels(['ttl:1m']);
      expect(config.ttlMs).toBe(60_000);
      expect(problems).toEqual([]);
      expect(ttlFromLabel).toBe(true);
      expect(parseLabels(['ttl:5m']).config.ttlMs).toBe(5 * 60_000);
      expect(parseLabels(['preview:rebuild']).ttlFromLabel).toBe(false);
      // A broken ttl label sets nothing: the repository's default applies.
      expect(parseLabels(['ttl:forever']).ttlFromLabel).toBe(false);
    });

    it('accepts the bounds themselves', () => {
      expect(parseLabels(['ttl:15m']).problems).toEqual([]);
      expect(parseLabels(['ttl:14d']).problems).toEqual([]);
      expect(parseLabels(['ttl:2w']).problems).toEqual([]);
    });
  });

  it('survives hostile input', () => {
    const labels = ['preview:' + 'x'.repeat(10_000), 'ttl:' + '9'.repeat(1000) + 'd', '\u0000', ''];
    const { problems } = parseLabels(labels);
    expect(problems).toHaveLength(2);
  });
});
