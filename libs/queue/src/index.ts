export { checkRedis, closeRedis, createRedis } from './redis-connection.js';
export {
  createLifecycleQueue,
  DEFAULT_QUEUE_PREFIX,
  enqueueNotification,
  enqueueStage,
  type LifecycleJobName,
  type NotifyJobData,
  ROUTES_CHANNEL,
  LIFECYCLE_QUEUE,
  type LifecycleQueue,
  type LifecycleStage,
  STAGE_ATTEMPTS,
  type StageJobData,
} from './lifecycle-queue.js';
