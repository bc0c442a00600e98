// The deliveries of the webhook burst, made the way GitHub would make them: real pull requests
// (commits, labels, pushes) in the GitHub emulator, each event's payload rendered at the moment
// it happens, so later GETs of the PR agree with the last event. Then a send order that keeps
// each PR's own events in order, interleaves PRs, and mixes in replays (same body, same id).
import { randomUUID } from 'node:crypto';
import { type GitHubEmulator, type PullRecord, signWebhookBody } from '@berth/testing';
import type { ScheduledDelivery } from './sender-thread.js';

export interface BurstShape {
  prs: number;
  /** Deliveries in all, replays included. */
  total: number;
  replays: number;
}

/** After `opened`, what happens to each PR, in order (the first N of these). */
const FOLLOW_UPS = ['synchronize', 'labeled', 'synchronize', 'unlabeled'] as const;
const LABEL = 'ttl:24h';

/** mulberry32: a small seeded PRNG, so every run sends the same shape. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How many follow-ups each PR gets so the unique events add up exactly. */
function followUpCounts(shape: BurstShape): number[] {
  const unique = shape.total - shape.replays;
  const extra = unique - shape.prs;
  if (extra < 0 || extra > shape.prs * FOLLOW_UPS.length) {
    throw new Error(`cannot spread ${unique} events over ${shape.prs} PRs`);
  }
  const base = Math.floor(extra / shape.prs);
  const remainder = extra - base * shape.prs;
  return Array.from({ length: shape.prs }, (_, i) => base + (i < remainder ? 1 : 0));
}

async function eventsOfOnePr(
  github: GitHubEmulator,
  repository: string,
  index: number,
  followUps: number,
  secret: string,
): Promise<ScheduledDelivery[]> {
  const sign = (payload: Record<string, unknown>): ScheduledDelivery => {
    const body = JSON.stringify(payload);
    return { deliveryId: randomUUID(), body, signature: signWebhookBody(secret, body) };
  };
  const pr: PullRecord = await github.openPullRequest({
    repo: repository,
    branch: `burst/${index}`,
    title: `Burst ${index}`,
    changes: { [`burst/${index}.txt`]: `${index}\n` },
    emit: false,
  });
  const events = [sign(github.pullRequestEvent('opened', pr))];
  for (const [step, kind] of FOLLOW_UPS.slice(0, followUps).entries()) {
    if (kind === 'synchronize') {
      const before = pr.headSha;
      const after = await github.pushToPullRequest(
        pr,
        { [`burst/${index}.txt`]: `${index} ${step}\n` },
        { emit: false },
      );
      events.push(sign(github.pullRequestEvent('synchronize', pr, { before, after })));
    } else if (kind === 'labeled') {
      await github.addLabel(pr, LABEL, { emit: false });
      events.push(sign(github.pullRequestEvent('labeled', pr, { label: LABEL })));
    } else {
      await github.removeLabel(pr, LABEL, { emit: false });
      events.push(sign(github.pullRequestEvent('unlabeled', pr, { label: LABEL })));
    }
  }
  return events;
}

/** Opens the PRs and renders every event; a few PRs at a time (each step runs git). */
export async function makeEvents(
  github: GitHubEmulator,
  repository: string,
  shape: BurstShape,
  secret: string,
  progress: (done: number) => void,
): Promise<ScheduledDelivery[][]> {
  const counts = followUpCounts(shape);
  const perPr: ScheduledDelivery[][] = new Array(shape.prs);
  let cursor = 0;
  let done = 0;
  const lane = async () => {
    while (cursor < shape.prs) {
      const i = cursor++;
      perPr[i] = await eventsOfOnePr(github, repository, i, counts[i] ?? 0, secret);
      done += 1;
      if (done % 50 === 0) progress(done);
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  return perPr;
}

/**
 * The send order: PRs interleaved at random, each PR's events in their own order (so `opened`
 * is first), and `replays` slots that resend an already-sent delivery verbatim.
 */
export function sendOrder(
  perPr: ScheduledDelivery[][],
  replays: number,
  random: () => number,
): ScheduledDelivery[] {
  const queues = perPr.map((events) => [...events]);
  const unique = queues.reduce((n, q) => n + q.length, 0);
  const total = unique + replays;
  // Replay slots anywhere after the first few sends, never two picks of the same slot.
  const replaySlots = new Set<number>();
  while (replaySlots.size < replays) replaySlots.add(10 + Math.floor(random() * (total - 10)));
  const live = queues.map((_, i) => i);
  const sent: ScheduledDelivery[] = [];
  const order: ScheduledDelivery[] = [];
  for (let slot = 0; slot < total; slot += 1) {
    if (replaySlots.has(slot) && sent.length > 0) {
      order.push(sent[Math.floor(random() * sent.length)] as ScheduledDelivery);
      continue;
    }
    const pick = Math.floor(random() * live.length);
    const queue = queues[live[pick] as number] as ScheduledDelivery[];
    const next = queue.shift() as ScheduledDelivery;
    if (queue.length === 0) live.splice(pick, 1);
    sent.push(next);
    order.push(next);
  }
  return order;
}
