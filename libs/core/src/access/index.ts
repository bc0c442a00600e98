export { BYPASS_HEADER, generateBypassToken, hashBypassToken } from './bypass-token.js';
export { CIDR_FORM, normaliseCidr } from './cidr.js';
export {
  parseShareLinkRequest,
  SHARE_LINK_TTL_DEFAULT_S,
  SHARE_LINK_TTL_MAX_S,
  SHARE_LINK_TTL_MIN_S,
  type ShareLinkRequest,
} from './share-link-request.js';
export {
  SHARE_TOKEN_PARAM,
  type ShareTokenClaims,
  type ShareTokenVerdict,
  shareLink,
  signShareToken,
  verifyShareToken,
} from './share-token.js';
export * from './sso/index.js';
export {
  type ConsolePerson,
  type ConsoleRoleGrant,
  type ConsoleRoleMatch,
  type ConsoleRoleRule,
  consoleRoleOf,
  describeMatch,
  githubMembershipTargets,
  providersWithRules,
  ruleMatches,
} from './console-roles.js';
