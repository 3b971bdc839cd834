// The tests and the benchmarks start servers the same way.
export { RedisServer, freePort } from '../../scripts/servers/redis-server';
