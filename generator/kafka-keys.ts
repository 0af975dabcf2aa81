// Facts about Kafka's server.properties keys that both validation and rendering need.

/** Keys removed in Kafka 4.0 (ZooKeeper is gone); emitting one makes the broker fail or warn. */
export const REMOVED_IN_4_0: ReadonlyArray<string | RegExp> = [
  /^zookeeper\./,
  "log.message.format.version",
  "message.format.version",
  "delegation.token.master.key",
  "offsets.commit.required.acks",
  "log.message.timestamp.difference.max.ms",
  "metrics.jmx.blacklist",
  "metrics.jmx.whitelist",
  "auto.include.jmx.reporter",
  "control.plane.listener.name",
];

export function isRemovedKey(key: string): boolean {
  return REMOVED_IN_4_0.some((k) => (typeof k === "string" ? k === key : k.test(key)));
}

/**
 * Keys that decide a node's identity, the quorum, the listeners or where data
 * lives. The generator derives them; a user value would split the quorum, change
 * who a node is, or point Kafka at an empty directory. The reason is the message.
 */
const MANAGED: ReadonlyArray<[string, string]> = [
  ["node.id", "derived from the node's ordinal"],
  ["broker.id", "the old name of node.id, which is derived from the node's ordinal"],
  ["process.roles", "derived from the node's place in the quorum"],
  ["controller.quorum.voters", "derived from `controllers`"],
  ["controller.quorum.bootstrap.servers", "the generator uses a static quorum (controller.quorum.voters)"],
  ["controller.quorum.auto.join.enable", "the quorum is static: joining by itself would change the voter set"],
  ["controller.listener.names", "fixed by the generator"],
  ["listeners", "fixed by the generator"],
  ["advertised.listeners", "each node advertises its own DNS name"],
  ["early.start.listeners", "the listeners are fixed by the generator"],
  ["listener.security.protocol.map", "fixed by the generator"],
  ["inter.broker.listener.name", "fixed by the generator"],
  ["security.inter.broker.protocol", "the inter-broker listener is fixed by the generator"],
  ["log.dirs", "set to a subdirectory of the data volume"],
  ["log.dir", "set to a subdirectory of the data volume (log.dirs)"],
  ["metadata.log.dir", "the metadata log lives in log.dirs on the data volume"],
  ["cordoned.log.dirs", "the log directories are the generator's (log.dirs)"],
  ["cluster.id", "set per environment (environments.<env>.clusterId)"],
];

export const MANAGED_KEYS: ReadonlyMap<string, string> = new Map(MANAGED);

/**
 * Keys that are not in KafkaConfig's definitions but that Kafka's own plugins
 * read from the broker config: the standard authorizer's, per-listener overrides,
 * and the prefixes of config providers and tiered-storage plugins (their defaults).
 */
const PLUGIN_KEYS: ReadonlySet<string> = new Set(["super.users", "allow.everyone.if.no.acl.found"]);
const PLUGIN_PREFIXES = ["listener.name.", "config.providers.", "rsm.config.", "rlmm.config."];

export function isPluginKey(key: string): boolean {
  return PLUGIN_KEYS.has(key) || PLUGIN_PREFIXES.some((p) => key.startsWith(p));
}

/**
 * A key the image can receive through one KAFKA_* variable and decode back unchanged:
 * lowercase words separated by single `.`, `_` or `-`.
 */
export const PROPERTY_KEY = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/** The apache/kafka image's encoding: `_` -> `__`, `-` -> `___`, `.` -> `_`, upper case, KAFKA_ prefix. */
export function envNameFor(key: string): string {
  let out = "";
  for (const ch of key) out += ch === "_" ? "__" : ch === "-" ? "___" : ch === "." ? "_" : ch;
  return `KAFKA_${out.toUpperCase()}`;
}

/** Keys whose values are credentials: in Git they would be readable by everyone with the repository. */
export const SECRET_KEY = /(password|secret|jaas\.config|credentials?|token|\.key)$/;
