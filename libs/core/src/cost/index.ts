export {
  type ContainerBaseline,
  type ContainerReading,
  containerWindow,
  counterDelta,
  type DayShare,
  splitByUtcDay,
  type UsageWindow,
  utcDay,
  type WindowBasis,
} from './usage-window.js';
export { type DiskInventory, diskByEnvironment, type EnvironmentDisk } from './disk-share.js';
export {
  addUsage,
  BYTES_PER_GB,
  type CostBreakdown,
  costLine,
  formatDollars,
  HOURS_PER_MONTH,
  NO_USAGE,
  type PriceTable,
  priceUsage,
  type Usage,
  usageUnits,
} from './pricing.js';
