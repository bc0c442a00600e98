import { type EnvironmentIdentity, assertPrNumber } from './identity.js';

/**
 * Docker labels on everything Berth creates. The reconciler lists `berth.managed=true` and
 * compares `berth.env` against live environments, so every container, network and volume
 * carries them.
 */
export const LABEL_MANAGED = 'berth.managed';
export const LABEL_ENV = 'berth.env';
export const LABEL_REPO = 'berth.repo';
export const LABEL_PR = 'berth.pr';
export const LABEL_SERVICE = 'berth.service';

export function resourceLabels(id: EnvironmentIdentity, service?: string): Record<string, string> {
  assertPrNumber(id.pr);
  const labels: Record<string, string> = {
    [LABEL_MANAGED]: 'true',
    [LABEL_ENV]: `${id.repository.fullName}#${id.pr}`,
    [LABEL_REPO]: id.repository.fullName,
    [LABEL_PR]: String(id.pr),
  };
  if (service !== undefined) labels[LABEL_SERVICE] = service;
  return labels;
}
