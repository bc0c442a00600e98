export {
  type BuildLimits,
  DockerContainerHost,
  type DockerContainerHostOptions,
} from './docker-container-host.js';
export { readRegistryAuthFile } from './registry-auth-file.js';
export { createDockerClient, parseDockerHost, type DockerClientOptions } from './docker-client.js';
export { CONFIG_HASH_LABEL, MANAGED_LABEL } from './container-options.js';
export { SECRET_FILES_ROOT, secretFilesDir } from './docker-secret-files.js';
