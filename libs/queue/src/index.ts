export { checkRedis, closeRedis, createRedis } from './redis-connection.js';
