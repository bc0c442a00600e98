/**
 * Stack shapes (issue 10 §7): `preview:frontend-only` runs only the services the compose file
 * names in `x-berth.shapes.frontend-only`; every other service is borrowed from the repository's
 * base environment (routes to its containers under the PR's own hostnames). Pure: the same
 * answer in the build and the wire stage, from the spec and the label alone.
 */

import type { PreviewMode } from '../labels/label-config.js';
import type { ComposeSpec, ServiceSpec } from './model.js';

export interface StackShape {
  name: Exclude<PreviewMode, 'full-stack'>;
  /** The services this PR runs itself. */
  own: string[];
  /** The services whose URLs lead to the base environment's containers. */
  borrowed: string[];
}

export interface ShapedSpec {
  /** Only the PR's own services (their `depends_on` on borrowed ones dropped). */
  spec: ComposeSpec;
  shape?: StackShape;
  /** The label asked for a shape the compose file does not declare: the full stack runs. */
  warning?: string;
}

export function applyShape(spec: ComposeSpec, mode: PreviewMode): ShapedSpec {
  if (mode === 'full-stack') return { spec };
  const declared = spec.berth.shapes?.[mode];
  if (!declared) {
    return {
      spec,
      warning: `preview:${mode}: the compose file declares no \`x-berth.shapes.${mode}\` (e.g. \`shapes: { ${mode}: [web] }\`), so the full stack runs`,
    };
  }
  const own = new Set(declared.filter((name) => spec.services[name] !== undefined));
  const borrowed = Object.keys(spec.services).filter((name) => !own.has(name));
  if (borrowed.length === 0) return { spec };

  const services: Record<string, ServiceSpec> = {};
  for (const name of own) {
    const service = spec.services[name] as ServiceSpec;
    const dependsOn = Object.fromEntries(
      Object.entries(service.dependsOn).filter(([dependency]) => own.has(dependency)),
    );
    services[name] = { ...service, dependsOn };
  }
  // Named volumes only the borrowed services mount are the base's business.
  const mounted = new Set(
    Object.values(services).flatMap((s) =>
      s.mounts.flatMap((m) => (m.type === 'volume' ? [m.source] : [])),
    ),
  );
  const volumes = Object.fromEntries(
    Object.entries(spec.volumes).filter(([name]) => mounted.has(name)),
  );
  const { database, ...berth } = spec.berth;
  const ownDatabase =
    database && own.has(database.service)
      ? database.seed && !own.has(database.seed.service)
        ? { service: database.service }
        : database
      : undefined;
  return {
    spec: {
      ...spec,
      services,
      volumes,
      berth: { ...berth, ...(ownDatabase ? { database: ownDatabase } : {}) },
    },
    shape: { name: mode, own: [...own], borrowed },
  };
}
