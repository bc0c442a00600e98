import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type ApiHarness, startApi } from '../test-support/api-harness.js';

let api: ApiHarness;
const repo = `sso-${randomBytes(3).toString('hex')}/shop`;
const path = `/admin/v1/repositories/${repo}`;
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.stores.prisma.repositorySettings.deleteMany({ where: { fullName: repo } });
  await api?.stop();
});

describe('/admin/v1/repositories: SSO settings', () => {
  it('stores who may sign in, shows it back, and clears the org', async () => {
    const set = await request(api.url)
      .patch(path)
      .set(admin)
      .send({
        accessModes: ['sso'],
        ssoGithubOrg: 'acme',
        ssoGithubTeam: 'qa',
        ssoAllowedEmails: ['Ada@Example.com'],
        ssoAllowedDomains: ['corp.example'],
        ssoAllowedGroups: ['previewers'],
      });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({
      accessModes: ['sso'],
      ssoGithubOrg: 'acme',
      ssoGithubTeam: 'qa',
      ssoAllowedEmails: ['ada@example.com'],
      ssoAllowedDomains: ['corp.example'],
      ssoAllowedGroups: ['previewers'],
    });
    const cleared = await request(api.url)
      .patch(path)
      .set(admin)
      .send({ ssoGithubOrg: null, ssoGithubTeam: null });
    expect(cleared.body).not.toHaveProperty('ssoGithubOrg');
    expect(cleared.body.ssoAllowedEmails).toEqual(['ada@example.com']);
  });

  it('refuses a bad entry, naming the field', async () => {
    const response = await request(api.url)
      .patch(path)
      .set(admin)
      .send({ ssoAllowedDomains: ['not a domain'] });
    expect(response.status).toBe(400);
    expect(response.body.message).toContain('ssoAllowedDomains.0');
  });
});
