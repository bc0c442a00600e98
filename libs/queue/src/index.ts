export { checkRedis, createRedis } from './redis-connection.js';
