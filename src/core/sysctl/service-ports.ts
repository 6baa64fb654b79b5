// Ports that common server software listens on by default, below the kernel's default ephemeral range (32768): the
// ports a range starting lower hands to outgoing connections, where a service started later then fails to bind
// (EADDRINUSE). A list, not a census: the host's real listeners are judged from the snapshot.

/** The kernel's default ip_local_port_range low end: below it, ports are left to services. */
export const DEFAULT_EPHEMERAL_LOW = 32768;

/** Port -> what listens there by default, the most widely run first (a long list is cut in this order). */
export const SERVICE_PORTS: ReadonlyMap<number, string> = new Map([
  [3306, 'MySQL/MariaDB'],
  [5432, 'PostgreSQL'],
  [6379, 'Redis'],
  [8080, 'HTTP alternate'],
  [27017, 'MongoDB'],
  [11211, 'memcached'],
  [9200, 'Elasticsearch'],
  [5672, 'RabbitMQ'],
  [9092, 'Kafka'],
  [2049, 'NFS'],
  [8443, 'HTTPS alternate'],
  [6443, 'Kubernetes API'],
  [10250, 'kubelet'],
  [2379, 'etcd'],
  [2380, 'etcd peers'],
  [2181, 'ZooKeeper'],
  [9090, 'Prometheus'],
  [9100, 'node_exporter'],
  [3000, 'Grafana'],
  [5601, 'Kibana'],
  [8500, 'Consul'],
  [9042, 'Cassandra'],
  [1433, 'Microsoft SQL Server'],
  [1521, 'Oracle'],
  [1883, 'MQTT'],
  [4369, 'Erlang epmd'],
  [15672, 'RabbitMQ management'],
  [24224, 'Fluentd'],
  [26257, 'CockroachDB'],
]);
