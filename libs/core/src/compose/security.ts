import { scalar, stringList } from './fields.js';
import { CAPABILITY_ALLOWLIST } from './capabilities.js';
import { type ProblemList, childPath } from './problems.js';

const HOST_NAMESPACE_KEYS = ['network_mode', 'pid', 'ipc', 'uts', 'userns_mode', 'cgroup'] as const;

/** security_opt values that are allowed: Berth already sets no-new-privileges. */
const SAFE_SECURITY_OPTS = new Set([
  'no-new-privileges',
  'no-new-privileges:true',
  'no-new-privileges=true',
]);

/**
 * Checks the keys DESIGN.md's security defaults refuse; returns the allowed `cap_add` subset.
 * Each refusal names the key and what to do instead.
 */
export function checkSecurity(
  service: Record<string, unknown>,
  path: string,
  problems: ProblemList,
): string[] {
  if (service.privileged !== undefined && service.privileged !== false) {
    problems.add(
      childPath(path, 'privileged'),
      'privileged containers are refused: they control the host. Remove `privileged`',
    );
  }
  for (const key of HOST_NAMESPACE_KEYS) {
    if (service[key] === undefined) continue;
    const at = childPath(path, key);
    const value = scalar(service[key], at, problems);
    if (value === undefined) continue;
    if (value === 'host') {
      problems.add(
        at,
        `\`${key}: host\` is refused: a preview must not share the host’s namespaces. Remove it`,
      );
    } else if (value.startsWith('container:')) {
      problems.add(
        at,
        `\`${key}: ${value}\` is refused: it joins a container outside this preview`,
      );
    } else if (key === 'network_mode') {
      problems.add(
        at,
        `\`network_mode: ${value}\` is not supported: Berth puts every service on the preview’s own network. Remove it`,
      );
    } else if (key === 'ipc' && ['private', 'shareable'].includes(value)) {
      problems.warn(at, 'ignored: each container gets a private IPC namespace');
    } else {
      problems.add(at, `\`${key}: ${value}\` is not supported; remove it`);
    }
  }
  for (const key of ['devices', 'device_cgroup_rules']) {
    if (service[key] !== undefined) {
      problems.add(
        childPath(path, key),
        `\`${key}\` is refused: previews get no host devices. Remove it`,
      );
    }
  }
  if (service.sysctls !== undefined) {
    problems.add(
      childPath(path, 'sysctls'),
      'sysctls are refused: kernel tuning is the host operator’s policy, not a pull request’s. Remove them',
    );
  }
  for (const key of ['cgroup_parent', 'runtime', 'oom_kill_disable', 'volumes_from', 'isolation']) {
    if (service[key] !== undefined) {
      problems.add(
        childPath(path, key),
        `\`${key}\` is refused: it changes the container’s isolation from the host. Remove it`,
      );
    }
  }
  if (service.security_opt !== undefined) {
    const at = childPath(path, 'security_opt');
    for (const [index, opt] of stringList(service.security_opt, at, problems).entries()) {
      if (SAFE_SECURITY_OPTS.has(opt.trim())) continue;
      problems.add(
        childPath(at, index),
        /unconfined|disable|no-new-privileges[:=]false/.test(opt)
          ? `\`${opt}\` is refused: it turns off confinement Berth keeps on for every container`
          : `\`${opt}\` is not supported: Berth sets seccomp, AppArmor and no-new-privileges itself`,
      );
    }
  }
  const capAdd: string[] = [];
  if (service.cap_add !== undefined) {
    const at = childPath(path, 'cap_add');
    for (const [index, raw] of stringList(service.cap_add, at, problems).entries()) {
      const cap = raw.trim().toUpperCase().replace(/^CAP_/, '');
      if (CAPABILITY_ALLOWLIST.includes(cap)) {
        if (!capAdd.includes(cap)) capAdd.push(cap);
      } else {
        problems.add(
          childPath(at, index),
          `capability \`${raw}\` is refused; allowed: ${CAPABILITY_ALLOWLIST.join(', ')}`,
        );
      }
    }
  }
  return capAdd.sort();
}
