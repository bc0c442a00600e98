import { Octokit } from '@octokit/rest';

/** What GitHub returns for a converted manifest code (the fields Berth keeps). */
export interface ConvertedApp {
  id: number;
  slug: string;
  name: string;
  htmlUrl: string;
  owner: string;
  pem: string;
  webhookSecret: string;
  clientId: string;
  clientSecret: string;
}

/** The port: exchange the setup callback's one-time code for the new App's credentials. */
export interface AppManifestConversion {
  convert(code: string): Promise<ConvertedApp>;
}

/**
 * The driver: POST /app-manifests/{code}/conversions through the official SDK, against the
 * configured API root (GitHub, GHES or the emulator). The endpoint takes no authentication.
 */
export class OctokitManifestConversion implements AppManifestConversion {
  private readonly octokit: Octokit;

  constructor(baseUrl: string) {
    this.octokit = new Octokit({
      baseUrl,
      // The SDK would log the 404 of a used code; the callback reports it itself.
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    });
  }

  async convert(code: string): Promise<ConvertedApp> {
    const { data } = await this.octokit.rest.apps.createFromManifest({ code });
    const owner = data.owner as { login?: string } | null;
    if (!data.pem || !data.webhook_secret) {
      throw new Error(
        'GitHub answered the manifest conversion without a private key or webhook secret',
      );
    }
    return {
      id: data.id,
      slug: data.slug ?? String(data.id),
      name: data.name,
      htmlUrl: data.html_url,
      owner: owner?.login ?? '',
      pem: data.pem,
      webhookSecret: data.webhook_secret,
      clientId: data.client_id,
      clientSecret: data.client_secret,
    };
  }
}
