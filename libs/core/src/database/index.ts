export {
  type BaseStateRef,
  type DatabaseAction,
  type DatabaseInput,
  type DatabasePlan,
  type DatabaseRecord,
  type DatabaseStart,
  planDatabase,
} from './database-mode.js';
export {
  chooseSnapshot,
  engineOfImage,
  type RegisteredSnapshot,
  restoreCommand,
  serverReadyCommand,
  SNAPSHOT_ENGINES,
  SNAPSHOT_FORMATS,
  type SnapshotChoice,
  type SnapshotEngine,
  type SnapshotFormat,
  snapshotCovers,
  snapshotProblem,
  type SnapshotRef,
} from './snapshot.js';
export {
  describeSnapshotSource,
  parseS3Url,
  type SnapshotSource,
  snapshotSourceOf,
} from './snapshot-source.js';
