// Preview secrets in AWS Secrets Manager and preview hosts in Route 53, through the whole
// control plane and the real SDK (SECRET_BACKEND=aws, DNS_PROVIDER=route53, the SDK's standard
// AWS_ENDPOINT_URL_* settings pointing at the emulators): a PR's generated database password and
// an operator-set API key live in one secret per PR scope, reach the container, never the
// revision; its host gets a record and an ownership TXT; both are deleted at close; a PR reopened
// seconds later (AWS still deleting the old secret) gets its secrets again; a production-tagged
// secret or a production host fails the wire stage and its value appears nowhere.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { createPrismaClient, type PrismaClient } from '@berth/db';
import { secretFilesDir } from '@berth/providers';
import {
  ControlPlane,
  oneServiceCompose,
  type PullRecord,
  type Route53Emulator,
  type SecretsManagerEmulator,
  startRoute53Emulator,
  startSecretsManagerEmulator,
  waitFor,
} from '@berth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execIn, removeByLabel, serviceContainer, uniqueRepoName } from '../e2e/preview-session.js';
import { testServices } from '../support/test-services.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const repository = `acme/${uniqueRepoName()}`;
const [owner, name] = repository.split('/') as [string, string];
const API_KEY = `sk_test_${randomBytes(12).toString('hex')}`;
const STRIPE_TEST = `rk_test_${randomBytes(12).toString('hex')}`;
const STRIPE_LIVE = `rk_live_${randomBytes(12).toString('hex')}`;
const PREFIX = `berth-spec-${randomBytes(3).toString('hex')}/preview`;

/** The one-service app, asking for three secrets and handing them to its container's env. */
function compose(extraEnv: Record<string, string> = {}): string {
  const env = {
    API_KEY: '${SHOP_API_KEY}',
    DB_PASSWORD: '${SHOP_DB_PASSWORD}',
    STRIPE_KEY: '${SHOP_STRIPE}',
    ...extraEnv,
  };
  const lines = Object.entries(env).map(([k, v]) => `      ${k}: "${v}"`);
  return (
    oneServiceCompose().replace(
      '    healthcheck:',
      `    environment:\n${lines.join('\n')}\n    secrets: [api_key]\n    healthcheck:`,
    ) +
    [
      '  secrets: [db_password, api_key, stripe]',
      '  variables:',
      "    SHOP_API_KEY: '{{ secrets.api_key }}'",
      "    SHOP_DB_PASSWORD: '{{ secrets.db_password }}'",
      "    SHOP_STRIPE: '{{ secrets.stripe }}'",
      // The same key as a file too: compose's own `secrets:`, from the scope, on tmpfs.
      'secrets:',
      '  api_key: { external: true }',
      '',
    ].join('\n')
  );
}

let plane: ControlPlane;
let prisma: PrismaClient;
let aws: SecretsManagerEmulator;
let route53: Route53Emulator;
let zoneId: string;
const docker = new Docker();
const opened: PullRecord[] = [];

async function admin(method: string, path: string, body?: object) {
  const res = await fetch(`${plane.apiUrl}/admin/v1/secrets/${path}`, {
    method,
    headers: { authorization: `Bearer ${plane.adminToken}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

beforeAll(async () => {
  const { databaseUrl, redisUrl } = testServices();
  prisma = createPrismaClient(databaseUrl);
  // AWS deletes asynchronously: a deleted name stays "scheduled for deletion" for a while.
  aws = await startSecretsManagerEmulator({ region: 'eu-west-1', forceDeleteDelayMs: 60_000 });
  aws.seedSecret('shop/stripe-test', JSON.stringify({ key: STRIPE_TEST }), {
    region: 'eu-west-1',
    tags: { environment: 'staging' },
  });
  aws.seedSecret('shop/stripe-live', JSON.stringify({ key: STRIPE_LIVE }), {
    region: 'eu-west-1',
    tags: { environment: 'production' },
  });
  route53 = await startRoute53Emulator();
  zoneId = route53.createZone('localhost');
  plane = await ControlPlane.start({
    root,
    databaseUrl,
    redisUrl,
    logLevel: 'info',
    echoLogs: process.env['BERTH_E2E_LOGS'] === '1',
    appEnv: {
      worker: {
        SECRET_BACKEND: 'aws',
        PREVIEW_SECRET_PREFIX: PREFIX,
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'AKIDBERTHTEST',
        AWS_SECRET_ACCESS_KEY: 'berth-test-secret',
        AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.url,
        PRODUCTION_SECRET_TAGS: 'environment=production',
        PRODUCTION_HOSTS: 'api.shop-prod.example',
        DNS_PROVIDER: 'route53',
        ROUTE53_HOSTED_ZONE_ID: zoneId,
        DNS_TARGET: '127.0.0.1',
        AWS_ENDPOINT_URL_ROUTE_53: route53.url,
      },
    },
  });
  await plane.github.createRepository({ owner, name, files: { 'docker-compose.yml': compose() } });
  // The operator's layers: an API key for the repository, a test Stripe key by reference.
  await admin('PUT', `repositories/${repository}/api_key`, { value: API_KEY });
  await admin('PUT', `repositories/${repository}/stripe`, { reference: 'shop/stripe-test#key' });
}, 120_000);

afterAll(async () => {
  for (const pr of opened.filter((p) => p.state === 'open')) {
    await plane.github.closePullRequest(pr).catch(() => undefined);
  }
  for (const pr of opened) {
    await plane
      ?.waitForState(repository, pr.number, 'destroyed', { timeoutMs: 60_000 })
      .catch(() => undefined);
  }
  await removeByLabel(`berth.repo=${repository}`);
  await prisma?.secret.deleteMany({ where: { scope: `repository:${repository}` } });
  await plane?.stop();
  await aws?.close();
  await route53?.close();
  await prisma?.$disconnect();
}, 180_000);

async function openPr(branch: string, changes?: Record<string, string>): Promise<PullRecord> {
  const pr = await plane.github.openPullRequest({
    repo: repository,
    branch,
    title: branch,
    ...(changes ? { changes } : {}),
  });
  opened.push(pr);
  return pr;
}

async function containerEnv(pr: number): Promise<Record<string, string>> {
  const found = await serviceContainer(repository, pr, 'web');
  const info = await docker.getContainer(found.Id).inspect();
  return Object.fromEntries(
    (info.Config.Env ?? []).map((line) => [line.split('=')[0], line.slice(line.indexOf('=') + 1)]),
  );
}

const scopeName = (pr: number, generation: number) =>
  `${PREFIX}/acme/${name.toLowerCase()}/pr-${pr}/g${generation}`;

/** The zone's records as `name|type` → values. */
function dnsRecords(): Map<string, string[]> {
  return new Map(route53.records(zoneId).map((r) => [`${r.name}|${r.type}`, r.values]));
}

/** Everything Berth said or stored about a PR, as text: where a value must never appear. */
async function everythingSaid(pr: PullRecord, environmentId: string): Promise<string> {
  const comments = plane.github.comments(repository, pr.number).map((c) => c.body);
  const checks = plane.github.checkRuns(repository, pr.headSha);
  const statuses = await prisma.$queryRaw<{ t: string }[]>`
    SELECT coalesce(string_agg(r.wiring::text || coalesce(s.error_message, '') ||
      coalesce(s.details::text, ''), ''), '') AS t
    FROM revisions r LEFT JOIN stage_runs s ON s.revision_id = r.id
    WHERE r.environment_id = ${environmentId}::uuid`;
  const apiView = await plane.environment(repository, pr.number);
  return JSON.stringify([comments, checks, statuses, apiView, plane.logs(400)]);
}

describe('preview secrets in AWS Secrets Manager', { timeout: 180_000 }, () => {
  let pr: PullRecord;
  let password: string;

  it('gives the preview its generated password and the operator’s keys from one tagged secret per PR scope', async () => {
    pr = await openPr('feat/secrets');
    const env = await plane.waitForState(repository, pr.number, 'ready');
    const secret = aws.secret(scopeName(pr.number, env.generation), 'eu-west-1');
    expect(secret, JSON.stringify(aws.secrets('eu-west-1').map((s) => s.name))).toBeDefined();
    expect(secret?.tags).toEqual({
      'berth:managed': 'true',
      'berth:environment': env.id,
      'berth:repository': repository,
    });
    const values = JSON.parse(secret?.value ?? '{}') as Record<string, string>;
    expect(values['api_key']).toBe(API_KEY);
    expect(values['stripe']).toBe(STRIPE_TEST);
    password = values['db_password'] ?? '';
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);

    // They reach the container; the revision holds none of them.
    expect(await containerEnv(pr.number)).toMatchObject({
      API_KEY,
      DB_PASSWORD: password,
      STRIPE_KEY: STRIPE_TEST,
    });
    const web = await serviceContainer(repository, pr.number, 'web');
    expect(await execIn(web.Id, ['cat', '/run/secrets/api_key'])).toBe(API_KEY);
    expect(existsSync(secretFilesDir(web.Names[0]?.slice(1) ?? ''))).toBe(true);
    const said = await everythingSaid(pr, env.id);
    for (const value of [API_KEY, STRIPE_TEST, password]) expect(said).not.toContain(value);

    // Recorded in the ledger with its ARN before anything ran.
    const rows = await prisma.resource.findMany({
      where: { environmentId: env.id, kind: 'secret' },
    });
    expect(rows).toMatchObject([
      { provider: 'secrets_aws', state: 'created', providerId: secret?.arn },
    ]);

    // Its host points at the gateway, with a TXT saying whose it is.
    const host = new URL(env.urls?.['web'] ?? 'http://none').hostname;
    expect(dnsRecords().get(`${host}.|A`)).toEqual(['127.0.0.1']);
    expect(dnsRecords().get(`_berth.${host}.|TXT`)?.[0]).toContain(`berth-environment=${env.id}`);
    expect(
      await prisma.resource.count({
        where: { environmentId: env.id, kind: 'dns_record', provider: 'route53', state: 'created' },
      }),
    ).toBe(1);
  });

  it('deletes the secret at close with no recovery window, and a PR reopened seconds later gets its secrets again', async () => {
    const before = await plane.environment(repository, pr.number);
    const webContainer =
      (await serviceContainer(repository, pr.number, 'web')).Names[0]?.slice(1) ?? '';
    await plane.github.closePullRequest(pr);
    await plane.waitForState(repository, pr.number, 'destroyed');
    const old = aws.secret(scopeName(pr.number, before?.generation ?? 0), 'eu-west-1');
    expect(old?.deleted).toBe(true);
    const host = new URL(before?.urls?.['web'] ?? 'http://none').hostname;
    expect(dnsRecords().has(`${host}.|A`)).toBe(false);
    expect(existsSync(secretFilesDir(webContainer))).toBe(false);
    expect(dnsRecords().has(`_berth.${host}.|TXT`)).toBe(false);
    const deletes = aws.requestLog.filter(
      (e) => e.operation === 'DeleteSecret' && e.status === 200,
    );
    expect(deletes.at(-1)?.input).toMatchObject({ ForceDeleteWithoutRecovery: true });
    expect(
      await prisma.resource.count({
        where: { environmentId: before?.id ?? '', kind: 'secret', state: { not: 'deleted' } },
      }),
    ).toBe(0);

    // AWS still holds the old name as scheduled for deletion (60 s here): the reopened PR's
    // scope has a name of its own.
    await plane.github.reopenPullRequest(pr);
    const env = await plane.waitForState(repository, pr.number, 'ready', {
      generation: (before?.generation ?? 0) + 1,
    });
    const fresh = aws.secret(scopeName(pr.number, env.generation), 'eu-west-1');
    expect(fresh?.deleted).toBe(false);
    const values = JSON.parse(fresh?.value ?? '{}') as Record<string, string>;
    expect(values['api_key']).toBe(API_KEY);
    expect(await containerEnv(pr.number)).toMatchObject({
      API_KEY,
      DB_PASSWORD: values['db_password'],
    });
  });

  it('fails the wire stage of a PR whose layer refers to a production-tagged secret, never reading it', async () => {
    const other = await openPr('feat/live-stripe');
    // The operator (by mistake) points this PR's stripe at the live key.
    await admin('PUT', `repositories/${repository}/pulls/${other.number}/stripe`, {
      reference: 'shop/stripe-live#key',
    });
    await plane.github.pushToPullRequest(other, { 'touch.txt': 'again\n' });
    const env = await plane.waitForState(repository, other.number, 'failed');
    const wire = env.stages?.find((s) => s.stage === 'wire');
    expect(wire?.error).toContain('secret stripe (pull_request layer) refers to shop/stripe-live');
    expect(wire?.error).toContain('it is tagged environment=production (PRODUCTION_SECRET_TAGS)');
    // Not one read of its value, and it appears nowhere Berth writes.
    const reads = aws.requestLog.filter(
      (e) =>
        e.operation === 'GetSecretValue' && JSON.stringify(e.input).includes('shop/stripe-live'),
    );
    expect(reads).toEqual([]);
    await waitFor(
      'the PR comment to say why',
      async () =>
        plane.github
          .comments(repository, other.number)
          .some((c) => c.body.includes('PRODUCTION_SECRET_TAGS')) || undefined,
      30_000,
    );
    expect(await everythingSaid(other, env.id)).not.toContain(STRIPE_LIVE);
  });

  it('fails the wire stage of a PR that points a variable at a production host, naming it', async () => {
    const files = {
      'docker-compose.yml': compose({ PAYMENTS_URL: 'https://api.shop-prod.example/v1' }),
    };
    const third = await openPr('feat/prod-url', files);
    const env = await plane.waitForState(repository, third.number, 'failed');
    const wire = env.stages?.find((s) => s.stage === 'wire');
    expect(wire?.error).toContain(
      'services.web.environment.PAYMENTS_URL points at api.shop-prod.example (matches api.shop-prod.example)',
    );
  });
});
