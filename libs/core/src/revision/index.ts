export {
  type ReadOnlyRepoMount,
  type RevisionImages,
  type RevisionWiring,
} from './revision-outputs.js';
export { readImages, readWiring, type WiringRead } from './read-revision-outputs.js';
