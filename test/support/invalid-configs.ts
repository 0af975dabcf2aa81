// Invalid configs and the exact problems they must produce: used by the
// config unit tests and by the CLI bad-input test.
export const REPO = "repo:\n  url: https://github.com/acme/kafka-gitops.git\n";

export const INVALID_CONFIGS: Array<[string, string, string[]]> = [
  ["empty file", "", ["(config root): the config file is empty; it needs at least repo.url and environments (see README.md, Config reference)"]],
  ["a list instead of a mapping", "- dev\n", ["(config root): the config must be a YAML mapping with repo, kafka and environments"]],
  ["YAML syntax error", REPO + "environments:\n  dev: {brokers: 1\n", ["line 5, column 1: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }"]],
  ["duplicate key", REPO + "environments:\n  dev: {}\n  dev: {}\n", ['line 5, column 3: duplicate key "dev" (first at line 4); a key may appear once in a mapping: merge the two entries or remove one']],
  ["missing repo", "environments:\n  dev: {}\n", ["repo: is required (a mapping)"]],
  ["missing environments", REPO, ["environments: is required (a mapping)"]],
  ["no environment", REPO + "environments: {}\n", ["environments: define at least one environment, e.g. `dev: { brokers: 1 }`"]],
  [
    "misspelled top-level key",
    REPO + "enviroments:\n  dev: {}\n",
    ["environments: is required (a mapping)", 'enviroments: unknown key; did you mean "environments"? allowed here: repo, kafka, argocd, environments'],
  ],
  [
    "misspelled environment key",
    REPO + "environments:\n  dev: {broker: 1}\n",
    [
      'environments.dev.broker: unknown key; did you mean "brokers"? allowed here: cluster, server, namespace, brokers, controllers, topology, controllerNodes, clients, workload, image, clusterId, storage, resources, heap, spread, nodes, sync, config',
    ],
  ],
  [
    "environment name that is not a DNS label",
    REPO + "environments:\n  Dev_1: {}\n",
    ["environments.Dev_1: must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit (it becomes a folder and a Kubernetes name)"],
  ],
  [
    "environment name that escapes the repository",
    REPO + "environments:\n  ../etc: {}\n",
    ['environments["../etc"]: must be a DNS-1123 label: lower-case letters, digits and \'-\', starting and ending with a letter or digit (it becomes a folder and a Kubernetes name)'],
  ],
  ["nodes list of the wrong length", REPO + "environments:\n  dev: {brokers: 3, nodes: [w1, w2]}\n", ["environments.dev.nodes: lists 2 nodes for 3 brokers; give exactly one node per broker (broker i runs on nodes[i])"]],
  ["a node listed twice", REPO + "environments:\n  dev: {brokers: 2, nodes: [w1, w1]}\n", ["environments.dev.nodes: lists a node twice; two brokers on one node lose both on one node failure: give distinct nodes"]],
  ["zero brokers", REPO + "environments:\n  dev: {brokers: 0}\n", ["environments.dev.brokers: must be at least 1"]],
  ["brokers as a word", REPO + "environments:\n  dev: {brokers: three}\n", ["environments.dev.brokers: must be a whole number"]],
  ["even controllers", REPO + "environments:\n  dev: {brokers: 3, controllers: 2}\n", ["environments.dev.controllers: must be 1, 3 or 5 (an odd quorum: 3 survives one failure, 5 survives two)"]],
  [
    "more controllers than brokers",
    REPO + "environments:\n  dev: {brokers: 1, controllers: 3}\n",
    ["environments.dev.controllers: 3 controllers need at least 3 brokers (the voters are combined broker+controller nodes); raise brokers to 3 or lower controllers"],
  ],
  [
    "latest image",
    REPO + "kafka: {image: apache/kafka:latest}\nenvironments:\n  dev: {}\n",
    ['kafka.image: "apache/kafka:latest" is not pinned; write a version tag such as apache/kafka:4.3.1 (latest changes under Argo CD without a commit)'],
  ],
  [
    "untagged image",
    REPO + "kafka: {image: apache/kafka}\nenvironments:\n  dev: {}\n",
    ['kafka.image: "apache/kafka" is not pinned; write a version tag such as apache/kafka:4.3.1 (latest changes under Argo CD without a commit)'],
  ],
  [
    "ZooKeeper-era image",
    REPO + "kafka: {image: apache/kafka:3.7.1}\nenvironments:\n  dev: {}\n",
    ['kafka.image: "apache/kafka:3.7.1" is Kafka 3.7.1; kafka-gitops generates KRaft configuration for Kafka 4.x (ZooKeeper was removed in 4.0): use e.g. apache/kafka:4.3.1'],
  ],
  ["size that is not a quantity", REPO + "environments:\n  dev: {storage: {size: 5GB}}\n", ['environments.dev.storage.size: is not a Kubernetes quantity; write e.g. "1Gi", "512Mi" or "250m"']],
  ["size as a bare number", REPO + "environments:\n  dev: {storage: {size: 5}}\n", ['environments.dev.storage.size: must be a Kubernetes quantity in quotes, e.g. "1Gi", "512Mi" or "250m"']],
  ["zero memory", REPO + "environments:\n  dev: {resources: {limits: {memory: '0'}}}\n", ["environments.dev.resources.limits.memory: must be greater than zero"]],
  [
    "heap as large as the memory limit",
    REPO + "environments:\n  dev: {heap: 2g}\n",
    ["environments.dev.heap: heap 2g does not fit in the memory limit 2Gi with the 256Mi the JVM needs beside it (metaspace, thread stacks, network buffers); lower heap to at most 1792m or raise resources.limits.memory"],
  ],
  [
    "request above limit",
    REPO + "environments:\n  dev: {resources: {requests: {memory: 2Gi}, limits: {memory: 1Gi}}}\n",
    ["environments.dev.resources.requests.memory: 2Gi is more than the memory limit 1Gi; raise resources.limits.memory (Kubernetes refuses a request above its limit)"],
  ],
  ["heap that is not a size", REPO + "environments:\n  dev: {heap: lots}\n", ["environments.dev.heap: must be a JVM size such as 512m or 2g"]],
  ["ZooKeeper setting", REPO + "kafka: {config: {zookeeper.connect: 'zk:2181'}}\nenvironments:\n  dev: {}\n", ['kafka.config["zookeeper.connect"]: was removed in Kafka 4.0 (ZooKeeper-era setting); remove it']],
  ["generator-managed setting", REPO + "environments:\n  dev: {config: {node.id: 3}}\n", ['environments.dev.config["node.id"]: is managed by kafka-gitops (derived from the node\'s ordinal); remove it']],
  [
    "setting name that cannot be an env variable",
    REPO + "environments:\n  dev: {config: {Log.Retention: 1}}\n",
    ['environments.dev.config["Log.Retention"]: is not a Kafka property name (lower-case words separated by single \'.\', \'_\' or \'-\')'],
  ],
  ["null setting", REPO + "environments:\n  dev: {config: {log.retention.ms: null}}\n", ['environments.dev.config["log.retention.ms"]: must be a string, number or boolean (a server.properties value)']],
  ["repo URL Argo CD cannot pull", "repo: {url: not-a-url}\nenvironments:\n  dev: {}\n", ["repo.url: must be a Git URL Argo CD can pull: https://..., ssh://..., git@host:org/repo.git or file://..."]],
  ["unknown workload", REPO + "kafka: {workload: deployment}\nenvironments:\n  dev: {}\n", ['kafka.workload: must be one of "statefulset", "deployment-per-broker", got "deployment"']],
  ["server that is not a URL", REPO + "environments:\n  dev: {server: in-cluster}\n", ["environments.dev.server: must be the https:// URL of a Kubernetes API server, e.g. https://kubernetes.default.svc"]],
  ["bad cluster id", REPO + "environments:\n  dev: {clusterId: abc}\n", ["environments.dev.clusterId: must be 22 characters of base64url (16 random bytes), e.g. from `kafka-storage.sh random-uuid`"]],
  [
    "two environments in one namespace",
    REPO + "environments:\n  a: {namespace: x}\n  b: {namespace: x}\n",
    ["environments.b.namespace: environment a already uses namespace x on https://kubernetes.default.svc; two Kafka clusters in one namespace would share object names: choose another namespace"],
  ],
  ["a .ms setting that is not a number", REPO + "environments:\n  dev: {config: {log.retention.ms: 7d}}\n", ['environments.dev.config["log.retention.ms"]: must be a whole number of milliseconds, got "7d"']],
  ["an .enable setting that is not a boolean", REPO + "kafka: {config: {log.cleaner.enable: 1}}\nenvironments:\n  dev: {}\n", ['kafka.config["log.cleaner.enable"]: must be true or false, got 1']],
  [
    "a replication factor above the broker count",
    REPO + "kafka: {config: {default.replication.factor: 3}}\nenvironments:\n  dev: {brokers: 1}\n  prod: {brokers: 3}\n",
    ['kafka.config["default.replication.factor"]: default.replication.factor=3 in environment dev needs at least 3 brokers, it has 1; lower it to 1 or add brokers (topics could never be created)'],
  ],
  [
    "an internal topic factor above the broker count",
    REPO + "environments:\n  prod: {brokers: 2, config: {offsets.topic.replication.factor: 3}}\n",
    ['environments.prod.config["offsets.topic.replication.factor"]: offsets.topic.replication.factor=3 in environment prod needs at least 3 brokers, it has 2; lower it to 2 or add brokers (topics could never be created)'],
  ],
  [
    "min ISR above the replication factor",
    REPO + "environments:\n  prod: {brokers: 3, config: {min.insync.replicas: 4}}\n",
    ['environments.prod.config["min.insync.replicas"]: min.insync.replicas=4 in environment prod is above default.replication.factor=3; acks=all writes would always fail: lower it to at most 3'],
  ],
  [
    "message.max.bytes above replica.fetch.max.bytes",
    REPO + "environments:\n  prod: {brokers: 3, config: {message.max.bytes: 10485760}}\n",
    ['environments.prod.config["message.max.bytes"]: message.max.bytes=10485760 in environment prod is above replica.fetch.max.bytes=1048576; followers could not copy the largest messages: set replica.fetch.max.bytes to at least 10485760'],
  ],
  ["a dedicated quorum of one", REPO + "environments:\n  prod: {topology: dedicated, controllers: 1}\n", ["environments.prod.controllers: a dedicated quorum of 1 controller dies with its node; use 3 or 5 controllers, or topology: combined"]],
  [
    "controller sizing without dedicated controllers",
    REPO + "environments:\n  prod: {controllerNodes: {heap: 1g}}\n",
    ["environments.prod.controllerNodes: only applies to topology: dedicated (with combined nodes every voter is also a broker); remove it or set topology: dedicated"],
  ],
  [
    "controller heap that does not fit",
    REPO + "environments:\n  prod: {topology: dedicated, brokers: 1, controllerNodes: {heap: 3g}}\n",
    ["environments.prod.controllerNodes.heap: heap 3g does not fit in the memory limit 2Gi with the 256Mi the JVM needs beside it (metaspace, thread stacks, network buffers); lower heap to at most 1792m or raise resources.limits.memory"],
  ],
  [
    "a password in the config",
    REPO + "kafka: {config: {listener.name.client.scram-sha-256.sasl.jaas.config: 'user=x password=y'}}\nenvironments:\n  dev: {}\n",
    ['kafka.config["listener.name.client.scram-sha-256.sasl.jaas.config"]: holds a credential, and everything here is committed to Git in plain text; remove it (kafka-gitops never writes secrets into the tree)'],
  ],
  ["an unknown topology", REPO + "environments:\n  prod: {topology: split}\n", ['environments.prod.topology: must be one of "combined", "dedicated", got "split"']],
  [
    "two environments in one namespace of one cluster",
    REPO + "environments:\n  a: {cluster: c, namespace: x, server: 'https://a.example.com'}\n  b: {cluster: c, namespace: x, server: 'https://b.example.com'}\n",
    ["environments.b.namespace: environment a already uses namespace x on cluster c; two Kafka clusters in one namespace would share object names: choose another namespace"],
  ],
  ["a client namespace that is not a name", REPO + "environments:\n  prod: {clients: {namespaces: [Bad_NS]}}\n", ["environments.prod.clients.namespaces[0]: must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit (it becomes a folder and a Kubernetes name)"]],
  [
    "several problems in several places at once",
    REPO + "kafka: {name: Kafka}\nenvironments:\n  dev: {brokers: 0, typo: 1}\n  prod: {brokers: 1, controllers: 3}\n",
    [
      "kafka.name: must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit (it becomes a folder and a Kubernetes name)",
      "environments.dev.brokers: must be at least 1",
      "environments.dev.typo: unknown key; allowed here: cluster, server, namespace, brokers, controllers, topology, controllerNodes, clients, workload, image, clusterId, storage, resources, heap, spread, nodes, sync, config",
      "environments.prod.controllers: 3 controllers need at least 3 brokers (the voters are combined broker+controller nodes); raise brokers to 3 or lower controllers",
    ],
  ],
];

