/** Who an OIDC sign-in turned out to be: the verified ID token's claims (plus userinfo). */
export interface OidcUser {
  subject: string;
  email?: string;
  emailVerified?: boolean;
  groups?: string[];
}

/** Any OpenID Connect provider as an SSO provider (decision 0014). */
export interface OidcSignInPort {
  /** The provider's authorization endpoint with state, nonce and a PKCE (S256) challenge. */
  authorizationUrl(input: {
    redirectUrl: string;
    state: string;
    nonce: string;
    codeChallenge: string;
  }): Promise<string>;
  /**
   * Redeems the callback (the full URL the provider sent the browser to): checks state,
   * exchanges the code with the PKCE verifier, verifies the ID token (issuer, audience,
   * signature, expiry, nonce). Throws on any mismatch.
   */
  signedInUser(input: {
    callbackUrl: URL;
    state: string;
    nonce: string;
    codeVerifier: string;
  }): Promise<OidcUser>;
}
