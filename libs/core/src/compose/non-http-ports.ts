/**
 * Well-known ports of protocols that are not HTTP: databases, caches, brokers, coordination.
 * A service listening only on these gets no preview URL by default (the gateway speaks HTTP;
 * a URL in front of Redis could only ever answer 502). `x-berth.expose` still names them.
 */
export const NON_HTTP_PORTS: ReadonlyMap<number, string> = new Map([
  [21, 'FTP'],
  [22, 'SSH'],
  [25, 'SMTP'],
  [53, 'DNS'],
  [389, 'LDAP'],
  [587, 'SMTP'],
  [1025, 'SMTP (mail catcher)'],
  [1433, 'SQL Server'],
  [1521, 'Oracle'],
  [1883, 'MQTT'],
  [2181, 'ZooKeeper'],
  [3306, 'MySQL'],
  [4222, 'NATS'],
  [5432, 'PostgreSQL'],
  [5672, 'AMQP'],
  [6222, 'NATS cluster'],
  [6379, 'Redis'],
  [6380, 'Redis (TLS)'],
  [7000, 'Cassandra'],
  [7687, 'Neo4j Bolt'],
  [8125, 'StatsD'],
  [9000, 'ClickHouse native'],
  [9042, 'Cassandra CQL'],
  [9092, 'Kafka'],
  [9093, 'Kafka'],
  [11211, 'Memcached'],
  [26257, 'CockroachDB'],
  [27017, 'MongoDB'],
  [28015, 'RethinkDB'],
  [33060, 'MySQL X'],
]);

export function isNonHttpPort(port: number): boolean {
  return NON_HTTP_PORTS.has(port);
}
