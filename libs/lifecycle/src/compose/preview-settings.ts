import type { WorkerConfig } from '@berth/config';

/** The worker settings the build and wire stages read (field names as in WorkerConfig). */
export type PreviewSettings = Pick<
  WorkerConfig,
  'BASE_DOMAIN' | 'PREVIEW_URL_SCHEME' | 'PREVIEW_URL_PORT' | 'COMPOSE_VARIABLES_FILE'
>;
