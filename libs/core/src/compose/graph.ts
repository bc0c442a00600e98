import { type ComposeSpec, type ServiceSpec } from './model.js';
import { type ProblemList } from './problems.js';

/** Unknown `depends_on` targets, self-dependencies and cycles, each with its key path. */
export function checkDependencies(
  services: Readonly<Record<string, ServiceSpec>>,
  problems: ProblemList,
): void {
  const names = Object.keys(services);
  for (const service of Object.values(services)) {
    for (const dependency of Object.keys(service.dependsOn)) {
      const at = `services.${service.name}.depends_on.${dependency}`;
      if (dependency === service.name) problems.add(at, 'a service cannot depend on itself');
      else if (!services[dependency]) {
        problems.add(at, `unknown service \`${dependency}\`; services: ${names.join(', ')}`);
      }
    }
  }
  for (const cycle of findCycles(services)) {
    problems.add(
      `services.${cycle[0]}.depends_on`,
      `dependency cycle: ${[...cycle, cycle[0]].join(' → ')}; remove one of these depends_on entries`,
    );
  }
}

/** Each elementary cycle found by DFS, reported once, starting at its smallest name. */
function findCycles(services: Readonly<Record<string, ServiceSpec>>): string[][] {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const cycles = new Map<string, string[]>();
  const visit = (name: string): void => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of Object.keys(services[name]?.dependsOn ?? {}).sort()) {
      if (!services[dep] || dep === name) continue;
      if (state.get(dep) === 'visiting') {
        const cycle = stack.slice(stack.indexOf(dep));
        const start = cycle.indexOf([...cycle].sort()[0] as string);
        const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
        cycles.set(rotated.join('>'), rotated);
      } else if (!state.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of Object.keys(services).sort()) if (!state.has(name)) visit(name);
  return [...cycles.values()];
}

export interface StartPlan {
  /** Services in start order; a layer starts when every earlier layer met its conditions. */
  layers: string[][];
  /** Run-to-completion jobs (migrations, seeds): what others wait for with service_completed_successfully. */
  oneShot: string[];
}

/**
 * Topological layers honoring `depends_on` (Kahn's algorithm, names sorted within a layer so
 * the plan is deterministic). Throws on unknown dependencies or cycles — `parseCompose` has
 * already reported those, so a validated spec never throws.
 */
export function startOrder(spec: Pick<ComposeSpec, 'services'>): StartPlan {
  const services = spec.services;
  const remaining = new Map<string, Set<string>>();
  for (const service of Object.values(services)) {
    const deps = new Set(Object.keys(service.dependsOn));
    for (const dep of deps) {
      if (!services[dep])
        throw new Error(`services.${service.name}.depends_on: unknown service \`${dep}\``);
    }
    remaining.set(service.name, deps);
  }
  const layers: string[][] = [];
  while (remaining.size > 0) {
    const layer = [...remaining]
      .filter(([, deps]) => deps.size === 0)
      .map(([name]) => name)
      .sort();
    if (layer.length === 0) {
      throw new Error(`dependency cycle among: ${[...remaining.keys()].sort().join(', ')}`);
    }
    for (const name of layer) remaining.delete(name);
    for (const deps of remaining.values()) for (const name of layer) deps.delete(name);
    layers.push(layer);
  }
  const oneShot = new Set<string>();
  for (const service of Object.values(services)) {
    for (const [dep, { condition }] of Object.entries(service.dependsOn)) {
      if (condition === 'service_completed_successfully') oneShot.add(dep);
    }
  }
  return { layers, oneShot: [...oneShot].sort() };
}
