// Invalid configs and the exact problems they must produce: used by the
// config unit tests and by the CLI bad-input test.
export const REPO = "repo:\n  url: https://github.com/acme/kafka-gitops.git\n";

export const INVALID_CONFIGS: Array<[string, string, string[]]> = [
  ["empty file", "", ["(config root): the config file is empty; it needs at least repo.url and environments (see README.md, Config reference)"]],
  ["a list instead of a mapping", "- dev\n", ["(config root): the config must be a YAML mapping with repo, kafka and environments"]],
  [
    "YAML syntax error",
    REPO + "environments:\n  dev: {brokers: 1\n",
    ["line 5, column 1: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }"],
  ],
  [
    "duplicate key",
    REPO + "environments:\n  dev: {}\n  dev: {}\n",
    ['line 5, column 3: duplicate key "dev" (first at line 4); a key may appear once in a mapping: merge the two entries or remove one'],
  ],
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
      'environments.dev.broker: unknown key; did you mean "brokers"? allowed here: cluster, server, namespace, brokers, controllers, topology, controllerNodes, clients, workload, image, clusterId, storage, resources, heap, spread, nodes, rack, security, sync, config',
    ],
  ],
  [
    "environment name that is not a DNS label",
    REPO + "environments:\n  Dev_1: {}\n",
    [
      "environments.Dev_1: must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit (it becomes a folder and a Kubernetes name)",
    ],
  ],
  [
    "environment name that escapes the repository",
    REPO + "environments:\n  ../etc: {}\n",
    [
      "environments[\"../etc\"]: must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit (it becomes a folder and a Kubernetes name)",
    ],
  ],
  [
    "nodes list of the wrong length",
    REPO + "environments:\n  dev: {brokers: 3, nodes: [w1, w2]}\n",
    ["environments.dev.nodes: lists 2 nodes for 3 brokers; give exactly one node per broker (broker i runs on nodes[i])"],
  ],
  [
    "a node listed twice",
    REPO + "environments:\n  dev: {brokers: 2, nodes: [w1, w1]}\n",
    ["environments.dev.nodes: lists a node twice; two brokers on one node lose both on one node failure: give distinct nodes"],
  ],
  ["zero brokers", REPO + "environments:\n  dev: {brokers: 0}\n", ["environments.dev.brokers: must be at least 1"]],
  ["brokers as a word", REPO + "environments:\n  dev: {brokers: three}\n", ["environments.dev.brokers: must be a whole number"]],
  [
    "even controllers",
    REPO + "environments:\n  dev: {brokers: 3, controllers: 2}\n",
    ["environments.dev.controllers: must be 1, 3 or 5 (an odd quorum: 3 survives one failure, 5 survives two)"],
  ],
  [
    "more controllers than brokers",
    REPO + "environments:\n  dev: {brokers: 1, controllers: 3}\n",
    [
      "environments.dev.controllers: 3 controllers need at least 3 brokers (the voters are combined broker+controller nodes); raise brokers to 3 or lower controllers",
    ],
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
    [
      'kafka.image: "apache/kafka:3.7.1" is Kafka 3.7.1; kafka-gitops generates KRaft configuration for Kafka 4.x (ZooKeeper was removed in 4.0): use e.g. apache/kafka:4.3.1',
    ],
  ],
  [
    "size that is not a quantity",
    REPO + "environments:\n  dev: {storage: {size: 5GB}}\n",
    ['environments.dev.storage.size: is not a Kubernetes quantity; write e.g. "1Gi", "512Mi" or "250m"'],
  ],
  [
    "size as a bare number",
    REPO + "environments:\n  dev: {storage: {size: 5}}\n",
    ['environments.dev.storage.size: must be a Kubernetes quantity in quotes, e.g. "1Gi", "512Mi" or "250m"'],
  ],
  [
    "zero memory",
    REPO + "environments:\n  dev: {resources: {limits: {memory: '0'}}}\n",
    ["environments.dev.resources.limits.memory: must be greater than zero"],
  ],
  [
    "heap as large as the memory limit",
    REPO + "environments:\n  dev: {heap: 2g}\n",
    [
      "environments.dev.heap: heap 2g does not fit in the memory limit 2Gi with the 256Mi the JVM needs beside it (metaspace, thread stacks, network buffers); lower heap to at most 1792m or raise resources.limits.memory",
    ],
  ],
  [
    "request above limit",
    REPO + "environments:\n  dev: {resources: {requests: {memory: 2Gi}, limits: {memory: 1Gi}}}\n",
    [
      "environments.dev.resources.requests.memory: 2Gi is more than the memory limit 1Gi; raise resources.limits.memory (Kubernetes refuses a request above its limit)",
    ],
  ],
  ["heap that is not a size", REPO + "environments:\n  dev: {heap: lots}\n", ["environments.dev.heap: must be a JVM size such as 512m or 2g"]],
  [
    "ZooKeeper setting",
    REPO + "kafka: {config: {zookeeper.connect: 'zk:2181'}}\nenvironments:\n  dev: {}\n",
    ['kafka.config["zookeeper.connect"]: was removed in Kafka 4.0 (ZooKeeper-era setting); remove it'],
  ],
  [
    "generator-managed setting",
    REPO + "environments:\n  dev: {config: {node.id: 3}}\n",
    ['environments.dev.config["node.id"]: is managed by kafka-gitops (derived from the node\'s ordinal); remove it'],
  ],
  [
    "setting name that cannot be an env variable",
    REPO + "environments:\n  dev: {config: {Log.Retention: 1}}\n",
    ["environments.dev.config[\"Log.Retention\"]: is not a Kafka property name (lower-case words separated by single '.', '_' or '-')"],
  ],
  [
    "null setting",
    REPO + "environments:\n  dev: {config: {log.retention.ms: null}}\n",
    ['environments.dev.config["log.retention.ms"]: must be a string, number or boolean (a server.properties value)'],
  ],
  [
    "repo URL Argo CD cannot pull",
    "repo: {url: not-a-url}\nenvironments:\n  dev: {}\n",
    ["repo.url: must be a Git URL Argo CD can pull: https://..., ssh://..., git@host:org/repo.git or file://..."],
  ],
  [
    "unknown workload",
    REPO + "kafka: {workload: deployment}\nenvironments:\n  dev: {}\n",
    ['kafka.workload: must be one of "statefulset", "deployment-per-broker", got "deployment"'],
  ],
  [
    "server that is not a URL",
    REPO + "environments:\n  dev: {server: in-cluster}\n",
    ["environments.dev.server: must be the https:// URL of a Kubernetes API server, e.g. https://kubernetes.default.svc"],
  ],
  [
    "bad cluster id",
    REPO + "environments:\n  dev: {clusterId: abc}\n",
    ["environments.dev.clusterId: must be 22 characters of base64url (16 random bytes), e.g. from `kafka-storage.sh random-uuid`"],
  ],
  [
    "two environments in one namespace",
    REPO + "environments:\n  a: {namespace: x}\n  b: {namespace: x}\n",
    [
      "environments.b.namespace: environment a already uses namespace x on https://kubernetes.default.svc; two Kafka clusters in one namespace would share object names: choose another namespace",
    ],
  ],
  [
    "a .ms setting that is not a number",
    REPO + "environments:\n  dev: {config: {log.retention.ms: 7d}}\n",
    ['environments.dev.config["log.retention.ms"]: must be a whole number of milliseconds, got "7d"'],
  ],
  [
    "an .enable setting that is not a boolean",
    REPO + "kafka: {config: {log.cleaner.enable: 1}}\nenvironments:\n  dev: {}\n",
    ['kafka.config["log.cleaner.enable"]: must be true or false, got 1'],
  ],
  [
    "a replication factor above the broker count",
    REPO + "kafka: {config: {default.replication.factor: 3}}\nenvironments:\n  dev: {brokers: 1}\n  prod: {brokers: 3}\n",
    [
      'kafka.config["default.replication.factor"]: default.replication.factor=3 in environment dev needs at least 3 brokers, it has 1; lower it to 1 or add brokers (topics could never be created)',
    ],
  ],
  [
    "an internal topic factor above the broker count",
    REPO + "environments:\n  prod: {brokers: 2, config: {offsets.topic.replication.factor: 3}}\n",
    [
      'environments.prod.config["offsets.topic.replication.factor"]: offsets.topic.replication.factor=3 in environment prod needs at least 3 brokers, it has 2; lower it to 2 or add brokers (topics could never be created)',
    ],
  ],
  [
    "min ISR above the replication factor",
    REPO + "environments:\n  prod: {brokers: 3, config: {min.insync.replicas: 4}}\n",
    [
      'environments.prod.config["min.insync.replicas"]: min.insync.replicas=4 in environment prod is above default.replication.factor=3; acks=all writes would always fail: lower it to at most 3',
    ],
  ],
  [
    "message.max.bytes above replica.fetch.max.bytes",
    REPO + "environments:\n  prod: {brokers: 3, config: {message.max.bytes: 10485760}}\n",
    [
      'environments.prod.config["message.max.bytes"]: message.max.bytes=10485760 in environment prod is above replica.fetch.max.bytes=1048576; followers could not copy the largest messages: set replica.fetch.max.bytes to at least 10485760',
    ],
  ],
  [
    "a dedicated quorum of one",
    REPO + "environments:\n  prod: {topology: dedicated, controllers: 1}\n",
    ["environments.prod.controllers: a dedicated quorum of 1 controller dies with its node; use 3 or 5 controllers, or topology: combined"],
  ],
  [
    "controller sizing without dedicated controllers",
    REPO + "environments:\n  prod: {controllerNodes: {heap: 1g}}\n",
    [
      "environments.prod.controllerNodes: only applies to topology: dedicated (with combined nodes every voter is also a broker); remove it or set topology: dedicated",
    ],
  ],
  [
    "controller heap that does not fit",
    REPO + "environments:\n  prod: {topology: dedicated, brokers: 1, controllerNodes: {heap: 3g}}\n",
    [
      "environments.prod.controllerNodes.heap: heap 3g does not fit in the memory limit 2Gi with the 256Mi the JVM needs beside it (metaspace, thread stacks, network buffers); lower heap to at most 1792m or raise resources.limits.memory",
    ],
  ],
  [
    "a password in the config",
    REPO + "kafka: {config: {listener.name.client.scram-sha-256.sasl.jaas.config: 'user=x password=y'}}\nenvironments:\n  dev: {}\n",
    [
      'kafka.config["listener.name.client.scram-sha-256.sasl.jaas.config"]: holds a credential, and everything here is committed to Git in plain text; remove it (kafka-gitops never writes secrets into the tree)',
    ],
  ],
  [
    "an unknown topology",
    REPO + "environments:\n  prod: {topology: split}\n",
    ['environments.prod.topology: must be one of "combined", "dedicated", got "split"'],
  ],
  [
    "two environments in one namespace of one cluster",
    REPO +
      "environments:\n  a: {cluster: c, namespace: x, server: 'https://a.example.com'}\n  b: {cluster: c, namespace: x, server: 'https://b.example.com'}\n",
    [
      "environments.b.namespace: environment a already uses namespace x on cluster c; two Kafka clusters in one namespace would share object names: choose another namespace",
    ],
  ],
  [
    "a client namespace that is not a name",
    REPO + "environments:\n  prod: {clients: {namespaces: [Bad_NS]}}\n",
    [
      "environments.prod.clients.namespaces[0]: must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit (it becomes a folder and a Kubernetes name)",
    ],
  ],
  [
    "several problems in several places at once",
    REPO + "kafka: {name: Kafka}\nenvironments:\n  dev: {brokers: 0, typo: 1}\n  prod: {brokers: 1, controllers: 3}\n",
    [
      "kafka.name: must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit (it becomes a folder and a Kubernetes name)",
      "environments.dev.brokers: must be at least 1",
      "environments.dev.typo: unknown key; allowed here: cluster, server, namespace, brokers, controllers, topology, controllerNodes, clients, workload, image, clusterId, storage, resources, heap, spread, nodes, rack, security, sync, config",
      "environments.prod.controllers: 3 controllers need at least 3 brokers (the voters are combined broker+controller nodes); raise brokers to 3 or lower controllers",
    ],
  ],
];

// Hostile input (issue 12, items 4-6): injection through control characters,
// credentials in URLs, bytes that are not UTF-8, YAML tricks, Kafka settings
// Kafka itself would refuse, quantities Kubernetes would refuse. Some are bytes,
// not text, because the file is read as bytes.
const env = (body: string) => REPO + `environments:\n  dev: ${body}\n`;
const kc = (cfg: string, image?: string) => REPO + `kafka: {${image ? `image: "${image}", ` : ""}config: ${cfg}}\nenvironments:\n  dev: {}\n`;
const cat = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p))));
const utf16 = (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, "utf16le")]);

export const HOSTILE_CONFIGS: Array<[string, string | Uint8Array, string[]]> = [
  [
    "newline in a setting value",
    kc('{compression.type: "gzip\\nKAFKA_LOG_DIRS=/tmp"}'),
    [
      'kafka.config["compression.type"]: contains a newline (U+000A); write it as one line of visible text (it is copied into kafka.env, YAML and Markdown files, where a line break would start a new entry)',
    ],
  ],
  [
    "carriage return in a setting value",
    env('{config: {compression.type: "gzip\\r"}}'),
    [
      'environments.dev.config["compression.type"]: contains a carriage return (U+000D); write it as one line of visible text (it is copied into kafka.env, YAML and Markdown files, where a line break would start a new entry)',
    ],
  ],
  [
    "NUL in a setting value",
    env('{config: {compression.type: "gz\\0ip"}}'),
    [
      'environments.dev.config["compression.type"]: contains a NUL (U+0000); write it as one line of visible text (it is copied into kafka.env, YAML and Markdown files, where a line break would start a new entry)',
    ],
  ],
  [
    "tab in a setting value",
    env('{config: {compression.type: "gzip\\t"}}'),
    [
      'environments.dev.config["compression.type"]: contains a tab (U+0009); write it as one line of visible text (it is copied into kafka.env, YAML and Markdown files, where a line break would start a new entry)',
    ],
  ],
  [
    "line separator in a setting value",
    env('{config: {compression.type: "gzip\\L"}}'),
    [
      'environments.dev.config["compression.type"]: contains a line separator (U+2028); write it as one line of visible text (it is copied into kafka.env, YAML and Markdown files, where a line break would start a new entry)',
    ],
  ],
  [
    "C1 next-line in a setting value",
    env('{config: {compression.type: "gzip\\N"}}'),
    [
      'environments.dev.config["compression.type"]: contains a next-line character (U+0085); write it as one line of visible text (it is copied into kafka.env, YAML and Markdown files, where a line break would start a new entry)',
    ],
  ],
  [
    "escape character in an environment name",
    REPO + 'environments:\n  "dev\\e[2J": {}\n',
    [
      'environments["dev\\u001b[2J"]: the key contains an escape character (U+001B); write it as one line of visible text (it is copied into kafka.env, YAML and Markdown files, where a line break would start a new entry)',
    ],
  ],
  [
    "newline in a namespace",
    env('{namespace: "kafka\\nprod"}'),
    [
      "environments.dev.namespace: contains a newline (U+000A); write it as one line of visible text (it is copied into kafka.env, YAML and Markdown files, where a line break would start a new entry)",
    ],
  ],
  [
    "newline in the revision",
    REPO + '  revision: "main\\nextra"\nenvironments:\n  dev: {}\n',
    [
      "repo.revision: contains a newline (U+000A); write it as one line of visible text (it is copied into kafka.env, YAML and Markdown files, where a line break would start a new entry)",
    ],
  ],
  [
    "newline in a node name",
    env('{nodes: ["w1\\nw2"]}'),
    [
      "environments.dev.nodes[0]: contains a newline (U+000A); write it as one line of visible text (it is copied into kafka.env, YAML and Markdown files, where a line break would start a new entry)",
    ],
  ],
  [
    "bidi override in kafka.name",
    REPO + 'kafka: {name: "kaf\\u202eka"}\nenvironments:\n  dev: {}\n',
    [
      "kafka.name: contains a bidirectional control (U+202E); write it as one line of visible text (it is copied into kafka.env, YAML and Markdown files, where a line break would start a new entry)",
    ],
  ],
  [
    "newline in a setting key",
    env('{config: {"log.retention.ms\\nzookeeper.connect": 1}}'),
    [
      'environments.dev.config["log.retention.ms\\nzookeeper.connect"]: the key contains a newline (U+000A); write it as one line of visible text (it is copied into kafka.env, YAML and Markdown files, where a line break would start a new entry)',
    ],
  ],
  [
    "backslash in a setting value",
    env('{config: {compression.type: "gzip\\\\"}}'),
    [
      'environments.dev.config["compression.type"]: contains a backslash, which server.properties reads as an escape (\\t, \\u000a) or, at the end, as joining the next line; write the value without one',
    ],
  ],
  [
    "token as user info in repo.url",
    "repo: {url: 'https://x-access-token:ghp_abc@github.com/acme/k.git'}\nenvironments:\n  dev: {}\n",
    [
      "repo.url: holds a password (user:password@); remove it and give the credentials to Argo CD instead (a repository or cluster Secret, see README.md, Credentials): everything in the config is committed and copied into generated files",
    ],
  ],
  [
    "user name over https in repo.url",
    "repo: {url: 'https://ghp_abc@github.com/acme/k.git'}\nenvironments:\n  dev: {}\n",
    [
      'repo.url: holds user info (a name before "@host", often a token); remove it and give the credentials to Argo CD instead (a repository or cluster Secret, see README.md, Credentials): everything in the config is committed and copied into generated files',
    ],
  ],
  [
    "private_token in repo.url",
    "repo: {url: 'https://gitlab.example.com/acme/k.git?private_token=glpat-1'}\nenvironments:\n  dev: {}\n",
    [
      'repo.url: has the query parameter "private_token", which carries a credential; remove it and give the credentials to Argo CD instead (a repository or cluster Secret, see README.md, Credentials): everything in the config is committed and copied into generated files',
    ],
  ],
  [
    "access_token in repo.url",
    "repo: {url: 'https://git.example.com/k.git?ref=main&access_token=abc'}\nenvironments:\n  dev: {}\n",
    [
      'repo.url: has the query parameter "access_token", which carries a credential; remove it and give the credentials to Argo CD instead (a repository or cluster Secret, see README.md, Credentials): everything in the config is committed and copied into generated files',
    ],
  ],
  [
    "password in the server URL",
    env("{server: 'https://admin:secret@k8s.example.com:6443'}"),
    [
      "environments.dev.server: holds a password (user:password@); remove it and give the credentials to Argo CD instead (a repository or cluster Secret, see README.md, Credentials): everything in the config is committed and copied into generated files",
    ],
  ],
  [
    "S3-style signature in the server URL",
    env("{server: 'https://k8s.example.com/?X-Amz-Signature=abc&X-Amz-Credential=x'}"),
    [
      'environments.dev.server: has the query parameter "X-Amz-Signature", which carries a credential; remove it and give the credentials to Argo CD instead (a repository or cluster Secret, see README.md, Credentials): everything in the config is committed and copied into generated files',
    ],
  ],
  [
    "sig parameter in the server URL",
    env("{server: 'https://k8s.example.com/?sv=2020&sig=abc'}"),
    [
      'environments.dev.server: has the query parameter "sig", which carries a credential; remove it and give the credentials to Argo CD instead (a repository or cluster Secret, see README.md, Credentials): everything in the config is committed and copied into generated files',
    ],
  ],
  [
    "token parameter in the server URL",
    env("{server: 'https://k8s.example.com/?token=abc'}"),
    [
      'environments.dev.server: has the query parameter "token", which carries a credential; remove it and give the credentials to Argo CD instead (a repository or cluster Secret, see README.md, Credentials): everything in the config is committed and copied into generated files',
    ],
  ],
  [
    "pipe in repo.url",
    "repo: {url: 'https://github.com/acme/k|x.git'}\nenvironments:\n  dev: {}\n",
    ['repo.url: contains "|", which a URL cannot hold unencoded; percent-encode it (e.g. a space as %20)'],
  ],
  [
    "revision that is an option",
    REPO + "  revision: --upload-pack=evil\nenvironments:\n  dev: {}\n",
    ['repo.revision: starts with "-"; write a branch, tag or commit as Git names it, e.g. main or v1.2.0'],
  ],
  [
    "revision with ..",
    REPO + "  revision: main..evil\nenvironments:\n  dev: {}\n",
    [
      'repo.revision: is not a valid Git ref name (no "..", "@{", "//", leading or trailing "/" or ".", ".lock" ending); write a branch, tag or commit as Git names it, e.g. main or v1.2.0',
    ],
  ],
  [
    "alias bomb",
    REPO +
      'a: &a ["x","x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\nenvironments:\n  dev: {}\n',
    ["(config root): YAML aliases (*name) expand to more than 100 copies; write the repeated values out instead of nesting aliases"],
  ],
  [
    "two YAML documents",
    REPO + "environments:\n  dev: {}\n---\nenvironments:\n  prod: {}\n",
    ['line 5, column 1: a second YAML document starts here ("---"); the config is one document: remove the "---" line and merge the documents'],
  ],
  [
    "a duplicate setting",
    REPO + "environments:\n  dev:\n    config:\n      num.partitions: 3\n      num.partitions: 6\n",
    ['line 7, column 7: duplicate key "num.partitions" (first at line 6); a key may appear once in a mapping: merge the two entries or remove one'],
  ],
  [
    "a merge key that is not a mapping",
    REPO + "environments:\n  dev:\n    <<: 3\n",
    ['(config root): a "<<" merge key needs a mapping or an alias of one, e.g. "<<: *defaults"; fix the value after "<<:"'],
  ],
  [
    "an alias to nothing",
    REPO + "environments:\n  dev: *base\n",
    ["(config root): the alias *base has no anchor &base before it; define the anchor first (YAML reads top to bottom) or write the value out"],
  ],
  [
    "misspelt setting",
    env("{config: {num.partition: 3}}"),
    [
      'environments.dev.config["num.partition"]: is not a broker setting of Kafka 4.3, the version of apache/kafka:4.3.1 (environment dev); did you mean "num.partitions"? (Kafka\'s keys: generator/kafka/config-keys/4.3.json)',
    ],
  ],
  [
    "unknown setting",
    env("{config: {foo.bar: 1}}"),
    [
      'environments.dev.config["foo.bar"]: is not a broker setting of Kafka 4.3, the version of apache/kafka:4.3.1 (environment dev); check the name (Kafka\'s keys: generator/kafka/config-keys/4.3.json)',
    ],
  ],
  [
    "constructor as a setting",
    env("{config: {constructor: 1}}"),
    [
      "environments.dev.config.constructor: is not a broker setting of Kafka 4.3, the version of apache/kafka:4.3.1 (environment dev); check the name (Kafka's keys: generator/kafka/config-keys/4.3.json)",
    ],
  ],
  [
    "broker.id",
    env("{config: {broker.id: 1}}"),
    ['environments.dev.config["broker.id"]: is managed by kafka-gitops (the old name of node.id, which is derived from the node\'s ordinal); remove it'],
  ],
  [
    "metadata.log.dir",
    kc("{metadata.log.dir: /var/lib/kafka/meta}"),
    ['kafka.config["metadata.log.dir"]: is managed by kafka-gitops (the metadata log lives in log.dirs on the data volume); remove it'],
  ],
  [
    "log.dirs",
    env("{config: {log.dirs: /tmp/kafka}}"),
    ['environments.dev.config["log.dirs"]: is managed by kafka-gitops (set to a subdirectory of the data volume); remove it'],
  ],
  [
    "process.roles",
    env("{config: {process.roles: broker}}"),
    ['environments.dev.config["process.roles"]: is managed by kafka-gitops (derived from the node\'s place in the quorum); remove it'],
  ],
  [
    "quorum auto-join",
    env("{config: {controller.quorum.auto.join.enable: true}}"),
    [
      'environments.dev.config["controller.quorum.auto.join.enable"]: is managed by kafka-gitops (the quorum is static: joining by itself would change the voter set); remove it',
    ],
  ],
  [
    "num.io.threads 0",
    env("{config: {num.io.threads: 0}}"),
    ['environments.dev.config["num.io.threads"]: must be at least 1 (Kafka\'s validator: [1,...]), got 0'],
  ],
  [
    "negative retention other than -1",
    env("{config: {log.retention.ms: -2}}"),
    [
      'environments.dev.config["log.retention.ms"]: must be at least -1 (the validator of topic setting retention.ms, which this key is the default of: [-1,...]), got -2',
    ],
  ],
  [
    "unknown compression",
    env("{config: {compression.type: zip}}"),
    [
      'environments.dev.config["compression.type"]: must be one of "uncompressed", "zstd", "lz4", "snappy", "gzip", "producer" in Kafka 4.3, got "zip"; did you mean "gzip"?',
    ],
  ],
  [
    "a 4.1 key on Kafka 4.0",
    kc("{group.share.max.share.sessions: 1000}", "apache/kafka:4.0.2"),
    [
      'kafka.config["group.share.max.share.sessions"]: is not a broker setting of Kafka 4.0, the version of apache/kafka:4.0.2 (environment dev); Kafka 4.1 added it: upgrade the image or remove it',
    ],
  ],
  [
    "a number YAML cannot keep",
    env("{config: {log.retention.bytes: 9007199254740993}}"),
    [
      'environments.dev.config["log.retention.bytes"]: is a number too large for YAML to keep exactly (it would be written as 9007199254740992); write it in quotes',
    ],
  ],
  [
    "an int out of range",
    env("{config: {num.partitions: 3000000000}}"),
    ['environments.dev.config["num.partitions"]: is out of range for Kafka\'s int type (-2147483648 to 2147483647), got 3000000000'],
  ],
  [
    "a password-type setting",
    env("{config: {ssl.truststore.certificates: abc}}"),
    [
      'environments.dev.config["ssl.truststore.certificates"]: holds a credential, and everything here is committed to Git in plain text; remove it (kafka-gitops never writes secrets into the tree)',
    ],
  ],
  [
    "a list item Kafka refuses",
    env("{config: {log.cleanup.policy: 'delete,shred'}}"),
    ['environments.dev.config["log.cleanup.policy"]: lists a value Kafka refuses: each item must be one of "compact", "delete" in Kafka 4.3, got "shred"'],
  ],
  [
    "a double that is not a number",
    env("{config: {log.cleaner.min.cleanable.ratio: high}}"),
    ['environments.dev.config["log.cleaner.min.cleanable.ratio"]: must be a number, got "high"'],
  ],
  [
    "memory 1Mi",
    env("{resources: {requests: {memory: 1Mi}}}"),
    [
      "environments.dev.resources.limits.memory: 1Mi is below 512Mi, the least a Kafka node runs in: a 256Mi heap plus 256Mi beside it for metaspace, thread stacks and network buffers; raise it (it defaults to resources.requests.memory)",
    ],
  ],
  [
    "memory 1e400",
    env("{resources: {limits: {memory: '1e400'}}}"),
    ['environments.dev.resources.limits.memory: is too large to be a quantity; write e.g. "8Gi"'],
  ],
  ["memory -1", env("{resources: {limits: {memory: '-1'}}}"), ["environments.dev.resources.limits.memory: must be greater than zero"]],
  [
    "memory 0.5m",
    env("{resources: {requests: {memory: 0.5m}}}"),
    ['environments.dev.resources.requests.memory: is not a whole number of bytes; write e.g. "512Mi" or "2Gi"'],
  ],
  [
    "cpu 0.5m",
    env("{resources: {requests: {cpu: 0.5m}}}"),
    ['environments.dev.resources.requests.cpu: is finer than 1m (a thousandth of a CPU), the smallest CPU unit Kubernetes keeps; write e.g. "1m" or "250m"'],
  ],
  [
    "cpu request above limit",
    env("{resources: {requests: {cpu: '2'}, limits: {cpu: 500m}}}"),
    [
      "environments.dev.resources.requests.cpu: 2 is more than the CPU limit 500m; lower the request or raise resources.limits.cpu (Kubernetes refuses a request above its limit)",
    ],
  ],
  [
    "absurd memory",
    env("{resources: {limits: {memory: 100Ei}}}"),
    ["environments.dev.resources.limits.memory: is above 16Ti of memory, more than any node has; check the unit (e.g. Gi, not Ei or Pi)"],
  ],
  ["storage 1e400", env("{storage: {size: '1e400'}}"), ['environments.dev.storage.size: is too large to be a quantity; write e.g. "8Gi"']],
  [
    "heap below the minimum",
    env("{heap: 128m}"),
    ["environments.dev.heap: heap 128m is below 256m, the least a Kafka node serves with; raise heap to at least 256m"],
  ],
  [
    "cpu 1e400",
    env("{resources: {requests: {cpu: '1e400'}}}"),
    ['environments.dev.resources.requests.cpu: is too large to be a quantity; write e.g. "2" or "500m"'],
  ],
  [
    "memory requested only, below the minimum",
    env("{resources: {requests: {memory: 256Mi}}}"),
    [
      "environments.dev.resources.limits.memory: 256Mi is below 512Mi, the least a Kafka node runs in: a 256Mi heap plus 256Mi beside it for metaspace, thread stacks and network buffers; raise it (it defaults to resources.requests.memory)",
    ],
  ],
  [
    "deeply nested YAML",
    REPO + "environments:\n  dev: " + "[".repeat(20000) + "]".repeat(20000) + "\n",
    ["(config root): the YAML is nested too deeply to read; a config is a few levels deep"],
  ],
  [
    "absurd cpu",
    env("{resources: {requests: {cpu: 100k}}}"),
    [
      'environments.dev.resources.requests.cpu: is above 1024 CPUs, more than any node has; check the unit (CPUs are counted in cores, "250m" is a quarter of one)',
    ],
  ],
  [
    "a byte that is not UTF-8",
    cat(REPO, "environments:\n  dev: {namespace: ab", [0xff], "}\n"),
    ["line 4, column 22: the config is not valid UTF-8 (byte 0xFF at byte offset 89); save it as UTF-8"],
  ],
  [
    "a truncated UTF-8 sequence",
    cat(REPO, "kafka: {name: k", [0xe2, 0x82], "}\nenvironments:\n  dev: {}\n"),
    ["line 3, column 16: the config is not valid UTF-8 (byte 0xE2 at byte offset 69); save it as UTF-8"],
  ],
  [
    "an overlong UTF-8 encoding",
    cat(REPO, "environments:\n  dev: {config: {compression.type: ", [0xc0, 0xaf], "}}\n"),
    ["line 4, column 36: the config is not valid UTF-8 (byte 0xC0 at byte offset 103); save it as UTF-8"],
  ],
  [
    "a UTF-8 encoded surrogate",
    cat(REPO, "environments:\n  ", [0xed, 0xa0, 0x80], ": {}\n"),
    ["line 4, column 3: the config is not valid UTF-8 (byte 0xED at byte offset 70); save it as UTF-8"],
  ],
  [
    "a UTF-16 config",
    utf16(REPO + "environments:\n  dev: {}\n"),
    ["line 1, column 1: the config is not valid UTF-8 (byte 0xFF at byte offset 0; the file looks like UTF-16); save it as UTF-8"],
  ],
  [
    "a config over the size limit",
    cat(REPO, "# " + "x".repeat(4 * 1024 * 1024) + "\nenvironments:\n  dev: {}\n"),
    [
      "(config root): the config file has 4194385 bytes, more than the limit of 4 MiB (a config of 200 environments is about 100 KiB); check that this is the right file",
    ],
  ],
];
