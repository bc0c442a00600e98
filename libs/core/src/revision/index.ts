export {
  type ReadOnlyRepoMount,
  type RevisionImages,
  type RevisionWiring,
} from './revision-outputs.js';
export {
  readImages,
  readTestsImage,
  readWiring,
  type WiringRead,
} from './read-revision-outputs.js';
