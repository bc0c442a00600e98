export { hashOneTimeCode, newOneTimeCode, newPkcePair, randomToken } from './one-time-code.js';
export {
  openSignInFlow,
  sealSignInFlow,
  type SignInFlow,
  type SignInFlowVerdict,
  type SsoProvider,
} from './sign-in-flow.js';
export {
  type GitHubFacts,
  githubAllowed,
  type OidcFacts,
  oidcAllowed,
  oidcConfigured,
  type SsoPolicy,
} from './sso-allow.js';
export {
  SIGN_IN_SCOPE,
  signSsoSession,
  type SsoSessionClaims,
  type SsoSessionVerdict,
  verifySsoSession,
} from './sso-session-cookie.js';
export { openSignInSession, sealSignInSession, type SignInIdentity } from './sign-in-session.js';
