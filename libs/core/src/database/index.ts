export {
  type BaseStateRef,
  type DatabaseAction,
  type DatabaseInput,
  type DatabasePlan,
  type DatabaseRecord,
  type DatabaseStart,
  planDatabase,
} from './database-mode.js';
