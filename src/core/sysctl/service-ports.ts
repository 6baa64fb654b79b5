// Ports that common server software listens on by default, below the kernel's default ephemeral range (32768): the
// ports a range starting lower hands to outgoing connections, where a service started later then fails to bind
// (EADDRINUSE). A list, not a census: the host's real listeners are judged from the snapshot.

/** The kernel's default ip_local_port_range low end: below it, ports are left to services. */
export const DEFAULT_EPHEMERAL_LOW = 32768;

/** Port -> what listens there by default. */
export const SERVICE_PORTS: ReadonlyMap<number, string> = new Map([
  [1433, 'Microsoft SQL Server'],
  [1521, 'Oracle'],
  [1883, 'MQTT'],
  [2049, 'NFS'],
  [2181, 'ZooKeeper'],
  [2379, 'etcd'],
  [2380, 'etcd peers'],
  [3000, 'Grafana'],
  [3306, 'MySQL/MariaDB'],
  [4369, 'Erlang epmd'],
  [5432, 'PostgreSQL'],
  [5601, 'Kibana'],
  [5672, 'AMQP (RabbitMQ)'],
  [6379, 'Redis'],
  [6443, 'Kubernetes API'],
  [8080, 'HTTP alternate'],
  [8443, 'HTTPS alternate'],
  [8500, 'Consul'],
  [9042, 'Cassandra'],
  [9090, 'Prometheus'],
  [9092, 'Kafka'],
  [9100, 'node_exporter'],
  [9200, 'Elasticsearch'],
  [10250, 'kubelet'],
  [11211, 'memcached'],
  [15672, 'RabbitMQ management'],
  [24224, 'Fluentd'],
  [26257, 'CockroachDB'],
  [27017, 'MongoDB'],
]);
