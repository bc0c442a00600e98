export {
  API_SCOPES,
  API_TOKEN_PREFIX,
  type ApiScope,
  apiTokenDisplayPrefix,
  generateApiToken,
  hashApiToken,
  isApiScope,
  looksLikeApiToken,
  parseRepositoryRestriction,
  restrictionAllows,
  scopeCovers,
} from './api-token.js';
export {
  decodeCursor,
  encodeCursor,
  PAGE_LIMIT_DEFAULT,
  PAGE_LIMIT_MAX,
  type PageCursor,
  parsePageLimit,
} from './page-cursor.js';
// The REST API's types, generated from its OpenAPI document (apps/api/src/v1/openapi).
export type {
  paths as RestApiPaths,
  components as RestApiComponents,
} from './rest-api-types.gen.js';
