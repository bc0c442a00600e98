import { isMap, scalar, typeName } from './fields.js';
import { type PortSpec } from './model.js';
import { type ProblemList, childPath } from './problems.js';

const MAX_RANGE = 100;

function portNumber(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}

/** `3000`, `3000-3002`, with optional `/tcp` or `/udp`. */
function containerPorts(text: string, path: string, problems: ProblemList): PortSpec[] {
  const [range = '', protocol = 'tcp', extra] = text.split('/');
  if (extra !== undefined || (protocol !== 'tcp' && protocol !== 'udp')) {
    problems.add(path, `invalid protocol in \`${text}\`: use tcp or udp`);
    return [];
  }
  const [from = '', to, more] = range.split('-');
  const start = portNumber(from);
  const end = to === undefined ? start : portNumber(to);
  if (more !== undefined || start === undefined || end === undefined || end < start) {
    problems.add(
      path,
      `invalid container port \`${text}\`: use a port 1-65535 or a range like 3000-3002`,
    );
    return [];
  }
  if (end - start + 1 > MAX_RANGE) {
    problems.add(path, `port range \`${text}\` spans more than ${MAX_RANGE} ports`);
    return [];
  }
  return Array.from({ length: end - start + 1 }, (_, i) => ({ port: start + i, protocol }));
}

/**
 * `ports` entries keep only the container side: host publishing is Berth's business (the
 * gateway), so `127.0.0.1:8080:3000` → 3000. Long syntax uses `target`.
 */
export function parsePorts(value: unknown, path: string, problems: ProblemList): PortSpec[] {
  if (!Array.isArray(value)) {
    problems.add(path, `expected a list, got ${typeName(value)}`);
    return [];
  }
  const out: PortSpec[] = [];
  value.forEach((item, index) => {
    const at = childPath(path, index);
    if (isMap(item)) {
      const target = scalar(item.target, childPath(at, 'target'), problems);
      if (target === undefined) return;
      const protocol =
        item.protocol === undefined
          ? 'tcp'
          : scalar(item.protocol, childPath(at, 'protocol'), problems);
      out.push(
        ...containerPorts(`${target}/${protocol ?? 'tcp'}`, childPath(at, 'target'), problems),
      );
      return;
    }
    const text = scalar(item, at, problems);
    if (text === undefined) return;
    // IPv6 host addresses come bracketed (`[::1]:8080:3000`); the container part is always last.
    const withoutHost = text.replace(/^\[[^\]]*\]:/, '');
    const parts = withoutHost.split(':');
    if (parts.length > 3) {
      problems.add(
        at,
        `invalid port mapping \`${text}\`: use [HOST:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`,
      );
      return;
    }
    out.push(...containerPorts(parts[parts.length - 1] as string, at, problems));
  });
  return out;
}

/** `expose`: container ports only, same forms as the container side of `ports`. */
export function parseExpose(value: unknown, path: string, problems: ProblemList): PortSpec[] {
  if (!Array.isArray(value)) {
    problems.add(path, `expected a list, got ${typeName(value)}`);
    return [];
  }
  return value.flatMap((item, index) => {
    const text = scalar(item, childPath(path, index), problems);
    return text === undefined ? [] : containerPorts(text, childPath(path, index), problems);
  });
}

export function uniquePorts(ports: PortSpec[]): PortSpec[] {
  const seen = new Set<string>();
  return ports.filter((p) => {
    const key = `${p.port}/${p.protocol}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
