export {
  type ObjectLocation,
  type ObjectRead,
  type ObjectStore,
  ObjectStoreError,
  type ObjectStoreFailure,
} from './object-store.port.js';
export { S3ObjectStore, type S3ObjectStoreOptions } from './s3-object-store.js';
