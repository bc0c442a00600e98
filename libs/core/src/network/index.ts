export {
  type Cidr,
  CidrError,
  type ParseCidrOptions,
  addressAt,
  addressCount,
  cidrContains,
  cidrsOverlap,
  parseCidr,
} from './cidr.js';
export {
  DEFAULT_SUBNET_POOL,
  DEFAULT_SUBNET_PREFIX_LENGTH,
  MAX_SUBNET_PREFIX_LENGTH,
  type Subnet,
  type SubnetPool,
  lowestFreeSubnet,
  subnetPool,
} from './subnet-pool.js';
export {
  type DockerNetworkSubnets,
  type HostInterfaceAddress,
  type PoolConflict,
  describePoolConflicts,
  isDockerBridge,
  poolConflicts,
} from './pool-conflicts.js';
export {
  type ComposeNetworkPlan,
  DEFAULT_MAX_NETWORKS,
  DEFAULT_NETWORK,
  type NetworkSlice,
  type NetworkTopology,
  type SubnetSplit,
  networkCountProblem,
  networkTopology,
  splitSubnet,
} from './compose-networks.js';
