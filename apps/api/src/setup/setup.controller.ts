import type { ApiConfig } from '@berth/config';
import type { GitHubAppCredentials } from '@berth/runtime';
import { Controller, Get, Headers, Inject, Logger, Query, Res } from '@nestjs/common';
import { isAdmin } from '../admin/admin-token.guard.js';
import { API_CONFIG, GITHUB_APP, MANIFEST_CONVERSION } from '../tokens.js';
import { appManifest, githubWebUrl, newAppUrl } from './app-manifest.js';
import type { AppManifestConversion } from './manifest-conversion.js';
import { appCreatedPage, manifestFormPage, setupErrorPage } from './setup-pages.js';
import { checkSetupState, issueSetupState, readCookie, SETUP_STATE_COOKIE } from './setup-state.js';

/** The part of Express' response the setup pages use. */
interface HtmlResponse {
  status(code: number): HtmlResponse;
  setHeader(name: string, value: string | string[]): void;
  send(body: string): void;
}

const ORGANIZATION = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

/**
 * `/setup/github`: creates Berth's GitHub App through GitHub's App-manifest flow and stores its
 * credentials encrypted (docs/decisions/0007-secret-envelope-and-allowlist.md). Open to anyone
 * only while no App is configured (the first boot of a fresh install); after that, only with the
 * admin token. The callback is accepted only with a `state` this page issued to this browser.
 */
@Controller('setup/github')
export class SetupController {
  private readonly logger = new Logger('setup');

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(GITHUB_APP) private readonly app: GitHubAppCredentials,
    @Inject(MANIFEST_CONVERSION) private readonly conversion: AppManifestConversion,
  ) {}

  @Get()
  async form(
    @Res() res: HtmlResponse,
    @Headers('authorization') authorization: string | undefined,
    @Headers('host') host: string | undefined,
    @Headers('x-forwarded-proto') forwardedProto: string | undefined,
    @Query('organization') organization: string | undefined,
    @Query('name') name: string | undefined,
  ): Promise<void> {
    const masterKey = this.config.BERTH_MASTER_KEY;
    if (!masterKey) {
      return html(
        res,
        503,
        "BERTH_MASTER_KEY is not set on the api: Berth has nowhere safe to keep the App's credentials. Generate one with `openssl rand -base64 32`, set it on the api and the worker, and restart them.",
      );
    }
    if ((await this.app.configured()) && !isAdmin(this.config, authorization)) {
      return html(
        res,
        403,
        'A GitHub App is already configured. To create another one, open this page with the admin token (Authorization: Bearer <BERTH_ADMIN_TOKEN>).',
      );
    }
    if (organization !== undefined && !ORGANIZATION.test(organization)) {
      return html(res, 400, 'organization must be a GitHub organization login, such as acme.');
    }
    const publicUrl = this.publicUrl(host, forwardedProto);
    const state = issueSetupState(masterKey);
    const secure = publicUrl.startsWith('https:') ? '; Secure' : '';
    // SameSite=Lax: GitHub's redirect back is a top-level GET, which Lax cookies accompany.
    res.setHeader(
      'set-cookie',
      `${SETUP_STATE_COOKIE}=${encodeURIComponent(state)}; Path=/setup/github; Max-Age=3600; HttpOnly; SameSite=Lax${secure}`,
    );
    res.setHeader('cache-control', 'no-store');
    const webUrl = this.config.GITHUB_WEB_URL ?? githubWebUrl(this.config.GITHUB_API_URL);
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.status(200).send(
      manifestFormPage({
        action: newAppUrl(webUrl, state, organization),
        manifest: appManifest({ publicUrl, name: name?.trim() || defaultName(publicUrl) }),
        ...(organization ? { organization } : {}),
      }),
    );
  }

  @Get('callback')
  async callback(
    @Res() res: HtmlResponse,
    @Headers('cookie') cookies: string | undefined,
    @Query('code') code: string | undefined,
    @Query('state') state: string | undefined,
  ): Promise<void> {
    const masterKey = this.config.BERTH_MASTER_KEY;
    if (!masterKey) return html(res, 503, 'BERTH_MASTER_KEY is not set on the api.');
    const check = checkSetupState(masterKey, state, readCookie(cookies, SETUP_STATE_COOKIE));
    if (!check.ok) {
      this.logger.warn({ msg: 'setup callback refused', reason: check.reason });
      return html(
        res,
        400,
        `The setup callback was refused: ${check.reason}. Open /setup/github to start again.`,
      );
    }
    if (!code || !/^[A-Za-z0-9_-]{1,100}$/.test(code)) {
      return html(res, 400, 'The setup callback has no valid code: GitHub did not create the App.');
    }
    let created;
    try {
      created = await this.conversion.convert(code);
    } catch (error) {
      const status = (error as { status?: number }).status;
      this.logger.warn({ msg: 'manifest conversion failed', status });
      return html(
        res,
        502,
        status === 404
          ? 'GitHub does not know this code any more (it is single-use and lives one hour). Open /setup/github to start again.'
          : `GitHub did not convert the manifest code (${status ?? (error as Error).message}). Try again.`,
      );
    }
    await this.app.save({ ...created, createdAt: new Date().toISOString() });
    // Ids and names only: the PEM and secrets never reach a log.
    this.logger.log({
      msg: 'GitHub App created and stored',
      appId: created.id,
      slug: created.slug,
    });
    res.setHeader(
      'set-cookie',
      `${SETUP_STATE_COOKIE}=; Path=/setup/github; Max-Age=0; HttpOnly; SameSite=Lax`,
    );
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.status(200).send(appCreatedPage(created));
  }

  private publicUrl(host: string | undefined, proto: string | undefined): string {
    if (this.config.API_PUBLIC_URL) return this.config.API_PUBLIC_URL.replace(/\/+$/, '');
    const scheme = proto === 'https' ? 'https' : 'http';
    return `${scheme}://${host ?? `${this.config.API_HOST}:${this.config.API_PORT}`}`;
  }
}

function html(res: HtmlResponse, status: number, message: string): void {
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.status(status).send(setupErrorPage(message));
}

/** GitHub App names are unique across GitHub: name it after this install's host. */
function defaultName(publicUrl: string): string {
  return `Berth (${new URL(publicUrl).host})`.slice(0, 34);
}
