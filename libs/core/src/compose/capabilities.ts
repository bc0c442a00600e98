// The one list of Linux capabilities a preview container may hold after Berth drops ALL. The
// compose validator, the replicate plan and the Docker driver all read it from here, so what a
// compose file may ask for and what the driver will grant can never disagree.

/**
 * Capabilities a service may add back after CapDrop ALL. Kept to what common images need to start
 * as root and step down, and nothing that reaches past the container:
 * - CHOWN, DAC_OVERRIDE, FOWNER: entrypoints (postgres, redis, nginx) fix ownership of their data
 *   directories before dropping privileges;
 * - SETUID, SETGID: the step-down itself (gosu, su-exec, nginx workers);
 * - NET_BIND_SERVICE: listening on ports below 1024 (nginx on :80).
 * Everything else (NET_ADMIN, NET_RAW, SYS_ADMIN, SYS_PTRACE, MKNOD, …) is refused.
 */
export const CAPABILITY_ALLOWLIST: readonly string[] = [
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'NET_BIND_SERVICE',
  'SETGID',
  'SETUID',
];

/**
 * Capabilities every container gets back without asking: what official-style entrypoints
 * (postgres, redis) need to chown their data directory and drop to an unprivileged user.
 * Measured: without them the postgres fixture dies with `chown … Operation not permitted` and
 * `setpriv: setresuid failed`. Always a subset of CAPABILITY_ALLOWLIST (the driver refuses
 * anything else); NET_BIND_SERVICE stays opt-in through `cap_add`.
 */
export const BASELINE_CAPABILITIES: readonly string[] = [
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'SETGID',
  'SETUID',
];
