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

/** Keys the generator derives itself; a user value would break the quorum, the listeners or the volume layout. */
export const MANAGED_KEYS: Readonly<Record<string, string>> = {
  "node.id": "derived from the node's ordinal",
  "process.roles": "derived from the node's place in the quorum",
  "controller.quorum.voters": "derived from `controllers`",
  "controller.quorum.bootstrap.servers": "the generator uses a static quorum (controller.quorum.voters)",
  "controller.listener.names": "fixed by the generator",
  listeners: "fixed by the generator",
  "advertised.listeners": "each node advertises its own DNS name",
  "listener.security.protocol.map": "fixed by the generator",
  "inter.broker.listener.name": "fixed by the generator",
  "log.dirs": "set to a subdirectory of the data volume",
  "log.dir": "set to a subdirectory of the data volume (log.dirs)",
  "cluster.id": "set per environment (environments.<env>.clusterId)",
};

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
