export const OPS_OPTIONS = Symbol('OPS_OPTIONS');
export const METRICS = Symbol('METRICS');
