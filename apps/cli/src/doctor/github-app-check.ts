import { App } from '@octokit/app';
import { Octokit } from '@octokit/rest';
import type { CliEnv } from '../cli-context.js';
import { type CheckResult, fail, ok, reason, skip, within, workerSetting } from './check.js';

/**
 * The GitHub App credentials the worker would use: the app id and private key mint a JWT and
 * `GET /app` at GITHUB_API_URL answers with this App (so the key belongs to it).
 */
export async function checkGitHubApp(env: CliEnv): Promise<CheckResult> {
  let appId: number | undefined;
  let privateKey: string | undefined;
  let baseUrl: string;
  try {
    appId = workerSetting(env, 'GITHUB_APP_ID');
    privateKey = workerSetting(env, 'GITHUB_APP_PRIVATE_KEY');
    baseUrl = workerSetting(env, 'GITHUB_API_URL');
  } catch (error) {
    return fail('github-app', reason(error), 'fix the variable named (see .env.example)');
  }
  if (appId === undefined && privateKey === undefined) {
    return skip(
      'github-app',
      'GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY are not set here: the worker uses the App saved by /setup/github',
    );
  }
  if (appId === undefined || privateKey === undefined) {
    return fail(
      'github-app',
      `${appId === undefined ? 'GITHUB_APP_ID' : 'GITHUB_APP_PRIVATE_KEY'} is not set, the other is`,
      'set both (the App settings page has the id; generate a private key there) or neither',
    );
  }
  let app: App;
  try {
    app = new App({ appId, privateKey, Octokit: Octokit.defaults({ baseUrl }) });
  } catch (error) {
    return fail('github-app', `the private key is unusable: ${reason(error)}`, keyFix);
  }
  try {
    const { data } = await within(10_000, 'GitHub', app.octokit.request('GET /app'));
    const name = (data as { slug?: string; name?: string } | null)?.slug ?? 'the App';
    return ok('github-app', `app ${appId} (${name}) answers at ${baseUrl}`);
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 401) {
      return fail(
        'github-app',
        `GitHub refused the JWT for app ${appId} (401): the key is not this App's, or the clock is off`,
        keyFix,
      );
    }
    if (status === undefined && /key|PEM|asn1|decoder/i.test(reason(error))) {
      return fail('github-app', `the private key is unusable: ${reason(error)}`, keyFix);
    }
    return fail(
      'github-app',
      `GET /app at ${baseUrl} failed: ${reason(error)}`,
      'check GITHUB_API_URL and that this host reaches GitHub (proxy, firewall)',
    );
  }
}

const keyFix =
  "generate a new private key on the App's settings page and set GITHUB_APP_PRIVATE_KEY " +
  '(PEM; newlines may be written as \\n) with the matching GITHUB_APP_ID';
