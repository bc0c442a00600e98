export {
  createBuildHandler,
  type BuildHandlerDeps,
  IMAGE_INPUT_HASH_LABEL,
} from './build-handler.js';
export { dockerfilePath, planServiceBuild, type PlannedBuild } from './build-plan.js';
