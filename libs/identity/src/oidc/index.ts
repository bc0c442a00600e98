export type { OidcSignInPort, OidcUser } from './oidc-sign-in.port.js';
export { OpenIdClientSignIn, type OpenIdClientSignInOptions } from './openid-client-sign-in.js';
