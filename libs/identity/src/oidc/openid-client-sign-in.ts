import * as oidc from 'openid-client';
import type { OidcSignInPort, OidcUser } from './oidc-sign-in.port.js';

export interface OpenIdClientSignInOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Default `openid email profile`. */
  scope?: string;
}

/** The one driver of OidcSignInPort: openid-client (discovery, PKCE, ID token validation). */
export class OpenIdClientSignIn implements OidcSignInPort {
  private discovered: Promise<oidc.Configuration> | undefined;

  constructor(private readonly options: OpenIdClientSignInOptions) {}

  async authorizationUrl(input: {
    redirectUrl: string;
    state: string;
    nonce: string;
    codeChallenge: string;
  }): Promise<string> {
    const config = await this.config();
    return oidc
      .buildAuthorizationUrl(config, {
        redirect_uri: input.redirectUrl,
        scope: this.options.scope ?? 'openid email profile',
        state: input.state,
        nonce: input.nonce,
        code_challenge: input.codeChallenge,
        code_challenge_method: 'S256',
      })
      .toString();
  }

  async signedInUser(input: {
    callbackUrl: URL;
    state: string;
    nonce: string;
    codeVerifier: string;
  }): Promise<OidcUser> {
    const config = await this.config();
    const tokens = await oidc.authorizationCodeGrant(config, input.callbackUrl, {
      pkceCodeVerifier: input.codeVerifier,
      expectedState: input.state,
      expectedNonce: input.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims) throw new Error('the OIDC provider returned no ID token');
    // Groups and a verified email often come only from userinfo; the subject must match.
    const info = await oidc
      .fetchUserInfo(config, tokens.access_token, claims.sub)
      .catch(() => undefined);
    const merged: Record<string, unknown> = { ...(info ?? {}), ...claims };
    const groups = Array.isArray(merged['groups'])
      ? merged['groups'].filter((g): g is string => typeof g === 'string')
      : undefined;
    return {
      subject: claims.sub,
      ...(typeof merged['email'] === 'string' ? { email: merged['email'] } : {}),
      ...(typeof merged['email_verified'] === 'boolean'
        ? { emailVerified: merged['email_verified'] }
        : {}),
      ...(groups ? { groups } : {}),
    };
  }

  /** Discovery once, retried after a failure (the provider may come up after the gateway). */
  private config(): Promise<oidc.Configuration> {
    const issuer = new URL(this.options.issuer);
    this.discovered ??= oidc
      .discovery(
        issuer,
        this.options.clientId,
        this.options.clientSecret,
        undefined,
        // Plain http is accepted by config only for loopback issuers (tests).
        issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .catch((error: unknown) => {
        this.discovered = undefined;
        throw error;
      });
    return this.discovered;
  }
}
