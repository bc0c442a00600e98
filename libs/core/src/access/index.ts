export {
  SHARE_TOKEN_PARAM,
  type ShareTokenClaims,
  type ShareTokenVerdict,
  shareLink,
  signShareToken,
  verifyShareToken,
} from './share-token.js';
export * from './sso/index.js';
