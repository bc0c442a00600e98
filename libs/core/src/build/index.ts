export { type BuildInputs, type ContextFile, buildInputHash } from './build-hash.js';
export {
  type Dockerignore,
  contextPath,
  createDockerignore,
  parseDockerignore,
} from './dockerignore.js';
export { filesUnderContext, filterContextFiles } from './context-files.js';
