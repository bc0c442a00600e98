export {
  ControlPlane,
  type ControlPlaneOptions,
  type EnvironmentView,
  TEST_MASTER_KEY,
} from './control-plane.js';
export {
  type AppProcess,
  freePort,
  httpRequest,
  type HttpResult,
  startAppProcess,
  StopWaiting,
  waitFor,
} from './processes.js';
