import { describe, expect, it } from 'vitest';
import { PullProgress } from './pull-progress.js';

describe('PullProgress', () => {
  it('sums layers into one line, at most once per interval', () => {
    let now = 0;
    const lines: string[] = [];
    const progress = new PullProgress(
      'img:1',
      (l) => lines.push(l),
      1000,
      () => now,
    );
    progress.push({ status: 'Pulling from berth/img', id: '1' });
    progress.push({ status: 'Pulling fs layer', id: 'a' });
    progress.push({ status: 'Pulling fs layer', id: 'b' });
    progress.push({ status: 'Downloading', id: 'a', progressDetail: { current: 1e6, total: 4e6 } });
    now = 500;
    progress.push({ status: 'Downloading', id: 'b', progressDetail: { current: 2e6, total: 2e6 } });
    expect(lines).toEqual([]);
    now = 1000;
    progress.push({ status: 'Pull complete', id: 'b' });
    expect(lines).toEqual(['pulling img:1: 1/2 layers done, 3.0 MB of 6.0 MB downloaded']);
    now = 1500;
    progress.push({ status: 'Already exists', id: 'a' });
    expect(lines).toHaveLength(1);
    expect(progress.summary()).toBe('pulling img:1: 2/2 layers done, 6.0 MB of 6.0 MB downloaded');
  });
});
