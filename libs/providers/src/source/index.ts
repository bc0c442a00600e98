export * from './source-repository.port.js';
export { GitSourceRepository, type GitSourceRepositoryOptions } from './git-source-repository.js';
export { SourceError, type GitFailureKind } from './git-errors.js';
export { KeyedChain } from '../shared/keyed-chain.js';
