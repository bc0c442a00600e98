export {
  type OidcServer,
  type OidcServerOptions,
  type OidcTestUser,
  startOidcServer,
} from './oidc-server.js';
