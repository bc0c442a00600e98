// Real engine + test database + GitHub emulator: an app that prints its own credentials and then
// crashes. The replicate stage fails with the app's log tail; the stage runner stores the error;
// the comment and status sinks deliver it. The generated database password and an operator token
// (set in the repository's secret layer, under a name that says nothing) come from the
// environment's secret scope, and must appear in none of their printed forms (raw, Basic auth,
// base64, JSON, URL-encoded) on the pull request, nor in what is stored for later display.

import { randomBytes } from 'node:crypto';
import {
  environmentIdentity,
  LABEL_ENV,
  NO_PRODUCTION_RULES,
  parseComposeOrThrow,
  renderServiceEnvironments,
  resourceLabels,
  type RevisionWiring,
} from '@berth/core';
import {
  EnvironmentLeases,
  FEED_ONLY_EVENT_KINDS,
  PostgresPreviewScopes,
  type PrismaClient,
  ResourceLedger,
  ScopedSecretStore,
} from '@berth/db';
import { type DockerContainerHost, OctokitGitHub, STICKY_COMMENT_MARKER } from '@berth/providers';
import { type GitHubEmulator, startGitHubEmulator } from '@berth/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandsOver, seedPullRequestRows } from '../commands/commands.int-support.js';
import { GitHubStatusReporter } from '../expose/github-status-reporter.js';
import { SinkDelivery } from '../notify/sink-delivery.js';
import { StageRunner } from '../pipeline/stage-runner.js';
import { createReplicateHandler } from '../replicate/replicate-handler.js';
import { removeByEnvLabel, testDatabase, testHost } from '../replicate/shop-fixture.int-support.js';
import type { EnvironmentWithRepository } from '../pipeline/stage-handler.js';
import type { SecretSources } from './environment-secret-values.js';
import { PreviewSecrets } from './preview-secrets.js';
import { newSecretRefs, secretMarkers } from './secret-refs.js';

const NODE_IMAGE = 'berth-fixture/node:24';
const logger = pino({ level: 'silent' });

// The app logs what apps log: its connection URL, the Basic header it builds from it, the
// password as JSON, an upstream token URL-encoded and base64-encoded. Then it crashes while
// Berth waits for its healthcheck (a crash is seen at once; a check that never passes would
// take its whole budget).
// (No `$` in the script: compose would interpolate it.)
const APP = [
  'const u = new URL(process.env.DATABASE_URL);',
  "console.log('connecting to ' + process.env.DATABASE_URL);",
  "console.log('Authorization: Basic ' + Buffer.from(u.username + ':' + u.password).toString('base64'));",
  "console.log('db password b64 ' + Buffer.from(u.password).toString('base64'));",
  "console.log(JSON.stringify({ level: 'error', config: { password: u.password } }));",
  'const t = process.env.UPSTREAM_AUTH;',
  "console.log('GET /sync?token=' + encodeURIComponent(t) + ' auth=' + Buffer.from('bot:' + t).toString('base64'));",
  'console.log(JSON.stringify({ token: t }));',
  "console.error('fatal: database refused the connection');",
  'process.exit(1);',
].join(' ');

let prisma: PrismaClient;
let host: DockerContainerHost;
let gh: GitHubEmulator;
let envLabel = '';

beforeAll(async () => {
  prisma = testDatabase();
  host = await testHost();
  gh = await startGitHubEmulator();
});

afterAll(async () => {
  if (envLabel) await removeByEnvLabel(host, envLabel).catch(() => undefined);
  await gh?.stop();
  await prisma?.$disconnect();
});

describe('secret values printed by the app', () => {
  it('are masked in every form in the PR comment, the commit status and the stored error', async () => {
    // An operator secret with characters every encoder treats differently; the container gets it
    // under a name that says nothing, so only its value can give it away.
    const token = `op tok/"${randomBytes(6).toString('hex')}"+é&=`;
    const masterKey = randomBytes(32);
    const repoName = `redact-${randomBytes(4).toString('hex')}`;
    const fullName = `acme/${repoName}`;
    await gh.createRepository({ owner: 'acme', name: repoName, files: { 'README.md': '# x\n' } });
    const pr = await gh.openPullRequest({
      repo: fullName,
      branch: 'feat/logs',
      title: 'Logs',
      changes: { 'x.txt': 'x\n' },
    });

    const env = await seedPullRequestRows(prisma, gh, {
      fullName,
      number: pr.number,
      headSha: pr.headSha,
      branch: 'feat/logs',
      state: 'provisioning',
    });
    // The operator's layer and the environment's scope, as the wire stage materialises them.
    await new ScopedSecretStore(prisma, masterKey).set(
      'repository',
      { repository: fullName },
      'upstream',
      { value: token },
    );
    const previewSecrets = new PreviewSecrets({
      scopes: new PostgresPreviewScopes(prisma, masterKey),
      ledger: new ResourceLedger(prisma),
      layers: new ScopedSecretStore(prisma, masterKey),
      rules: NO_PRODUCTION_RULES,
      prefix: 'berth/preview',
    });
    const environment: EnvironmentWithRepository = env;
    const refs = newSecretRefs(['db_password', 'upstream']);
    const scope = await previewSecrets.materialise({
      environment,
      names: refs.names,
      layersAllowed: true,
    });
    expect(scope.fromLayers).toEqual([{ name: 'upstream', layer: 'repository' }]);
    const password = scope.values['db_password'] ?? '';
    // What the wire stage leaves: markers where the secrets go, no values.
    const markers = secretMarkers(refs);
    const spec = parseComposeOrThrow(
      `
services:
  api:
    image: x
    environment:
      DATABASE_URL: postgres://shop:\${DB_PASSWORD}@db:5432/shop
      UPSTREAM_AUTH: \${UPSTREAM}
      NODE_ENV: production
    command: [node, -e, ${JSON.stringify(APP)}]
    healthcheck: { test: [CMD-SHELL, 'exit 1'], interval: 1s, timeout: 1s, retries: 1 }
`,
      {
        variables: {
          DB_PASSWORD: markers['db_password'] ?? '',
          UPSTREAM: markers['upstream'] ?? '',
        },
      },
    );
    const wiring: RevisionWiring = {
      spec,
      environment: renderServiceEnvironments(spec, {
        envKey: `redact#${pr.number}`,
        pr: pr.number,
        urls: {},
        secrets: markers,
      }),
      urls: {},
      hostnames: {},
      ports: {},
      public: false,
      secretRefs: refs,
    };
    await prisma.revision.create({
      data: {
        environmentId: env.id,
        generation: 1,
        headSha: pr.headSha,
        configSnapshot: {},
        images: { api: { tag: NODE_IMAGE, source: 'image', durationMs: 0 } },
        wiring: wiring as unknown as object,
      },
    });
    envLabel = resourceLabels(environmentIdentity(fullName, pr.number))[LABEL_ENV] as string;

    const secretSources: Omit<SecretSources, 'prisma'> = { previewSecrets };
    const runner = new StageRunner({
      prisma,
      commands: commandsOver(prisma),
      leases: new EnvironmentLeases(prisma),
      handlers: [createReplicateHandler({ containerHost: host, prisma, secrets: previewSecrets })],
      logger,
      owner: 'log-redaction-test',
      secretSources,
    });
    const job = { environmentId: env.id, generation: 1, stage: 'replicate' as const };
    expect(await runner.run(job, 1, true)).toBe('failed');

    const sinks = new SinkDelivery({
      prisma,
      lock: { acquire: async () => 'token', release: async () => undefined },
      reporter: new GitHubStatusReporter({
        prisma,
        github: new OctokitGitHub({
          appId: gh.app.id,
          privateKey: gh.app.privateKey,
          baseUrl: gh.url,
          writeIntervalMs: 0,
          notificationIntervalMs: 0,
          retryBaseMs: 20,
        }),
        secretSources,
      }),
    });
    // The PR-facing events (a stage's feed-only event, decision 0030, carries no text).
    const [failed, ...more] = await prisma.lifecycleEvent.findMany({
      where: { environmentId: env.id, kind: { notIn: [...FEED_ONLY_EVENT_KINDS] } },
    });
    expect(more).toEqual([]);
    expect(failed).toMatchObject({ kind: 'failed', stage: 'replicate' });
    for (const sink of ['comment', 'status'] as const) {
      const eventId = (failed?.id ?? 0n).toString();
      expect(await sinks.deliver({ eventId, environmentId: env.id, sink })).toBe('delivered');
    }

    const comments = gh.comments(fullName, pr.number);
    expect(comments).toHaveLength(1);
    const body = comments[0]?.body ?? '';
    expect(body.startsWith(STICKY_COMMENT_MARKER)).toBe(true);
    expect(body).toContain('❌ Preview failed at **replicate**');
    // The log tail is there, the credentials are not.
    expect(body).toContain('fatal: database refused the connection');
    expect(body).toContain('connecting to postgres://shop:***@db:5432/shop');
    // The user's part of a Basic token stays readable (`c2hvcD` is `shop`), the password's goes.
    expect(body).toMatch(/Authorization: Basic c2hvcD\*\*\*/);
    expect(body).toContain('db password b64 ***');
    expect(body).toContain('"config":{"password":"***"}');
    expect(body).toMatch(/GET \/sync\?token=\*\*\* auth=Ym90O\*\*\*/);
    expect(body).toContain('{"token":"***"}');
    const [status] = gh.statuses(fullName, pr.headSha);
    expect(status).toMatchObject({ state: 'failure', context: 'berth/preview' });

    const stored = await prisma.stageRun.findFirstOrThrow({
      where: { revision: { environmentId: env.id }, stage: 'replicate' },
    });
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const forms = [
      password,
      b64(password),
      b64(`shop:${password}`),
      JSON.stringify(password),
      token,
      encodeURIComponent(token),
      JSON.stringify(token).slice(1, -1),
      b64(`bot:${token}`).slice(4, 24),
      b64(`bot:${token}`).slice(-12),
    ];
    for (const [where, text] of [
      ['comment', body],
      ['status', status?.description ?? ''],
      ['stage run', stored.errorMessage ?? ''],
      ['event', failed?.detail ?? ''],
    ] as const) {
      // The status's 140 characters end before the log tail: nothing to mask there, and nothing
      // may leak either.
      if (where !== 'status') expect(text, where).toContain('***');
      for (const form of forms) expect(text, `${where}: ${form}`).not.toContain(form);
    }
    // The revision never held them either.
    const revision = JSON.stringify(
      await prisma.revision.findFirstOrThrow({ where: { environmentId: env.id } }),
      (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
    );
    for (const form of [password, token]) expect(revision).not.toContain(form);
  });
});
