// Kafka's own command-line tools as the harness calls them, and parsers for what they print.
// The parsers read the human-readable output of Kafka 4.x (fixtures: test/fixtures/e2e-output/);
// each throws when the text does not have the shape it expects, so a format change fails loudly.

/** The tools the harness runs, by the name of their bin/kafka-<name>.sh script. */
export type Tool =
  | "topics"
  | "metadata-quorum"
  | "configs"
  | "reassign"
  | "console-producer"
  | "console-consumer"
  | "verifiable-producer"
  | "verifiable-consumer"
  | "cluster"
  | "broker-api-versions"
  | "storage"
  | "leader-election"
  | "acls";

/** Main class of each tool in Kafka 4.x (what bin/kafka-*.sh hands to kafka-run-class.sh). */
export const TOOL_MAIN_CLASS: Readonly<Record<Tool, string>> = {
  topics: "org.apache.kafka.tools.TopicCommand",
  "metadata-quorum": "org.apache.kafka.tools.MetadataQuorumCommand",
  configs: "kafka.admin.ConfigCommand",
  reassign: "org.apache.kafka.tools.reassign.ReassignPartitionsCommand",
  "console-producer": "org.apache.kafka.tools.ConsoleProducer",
  "console-consumer": "org.apache.kafka.tools.consumer.ConsoleConsumer",
  "verifiable-producer": "org.apache.kafka.tools.VerifiableProducer",
  "verifiable-consumer": "org.apache.kafka.tools.VerifiableConsumer",
  cluster: "org.apache.kafka.tools.ClusterTool",
  "broker-api-versions": "org.apache.kafka.tools.BrokerApiVersionsCommand",
  storage: "kafka.tools.StorageTool",
  "leader-election": "org.apache.kafka.tools.LeaderElectionCommand",
  acls: "org.apache.kafka.tools.AclCommand",
};

export interface ToolArgvOptions {
  /** Where the image's /opt/kafka is seen by the process (default `/opt/kafka`). */
  kafkaHome?: string;
  /** Heap flags; default kafka-run-class.sh's `-Xmx256M`. */
  heap?: string[];
  /**
   * JVM flags for a short-lived client. Default: kafka-run-class.sh's own defaults. The client tools
   * are the harness's, not the manifests', so a run may trade them for faster start-up
   * (`FAST_CLIENT_JVM`) without changing what is tested.
   */
  jvm?: readonly string[];
}

/** kafka-run-class.sh's KAFKA_JVM_PERFORMANCE_OPTS default. */
export const RUN_CLASS_JVM: readonly string[] = [
  "-server",
  "-XX:+UseG1GC",
  "-XX:MaxGCPauseMillis=20",
  "-XX:InitiatingHeapOccupancyPercent=35",
  "-XX:+ExplicitGCInvokesConcurrent",
  "-Djava.awt.headless=true",
];

/** Start-up over peak speed, for tools that run a few seconds on a 2-core machine. */
export const FAST_CLIENT_JVM: readonly string[] = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Djava.awt.headless=true"];

/**
 * argv running `tool` with `args` inside a pod or the client namespace, as kafka-run-class.sh would
 * build it: java, heap, JVM flags, tools-log4j2.yaml (warnings to stderr, so stdout is only the
 * tool's output), the install's jars, the main class.
 */
export function toolArgv(tool: Tool, args: readonly string[], opts: ToolArgvOptions = {}): string[] {
  const home = opts.kafkaHome ?? "/opt/kafka";
  return [
    "java",
    ...(opts.heap ?? ["-Xmx256M"]),
    ...(opts.jvm ?? RUN_CLASS_JVM),
    `-Dkafka.logs.dir=${home}/logs`,
    `-Dlog4j2.configurationFile=${home}/config/tools-log4j2.yaml`,
    "-cp",
    `${home}/libs/*`,
    TOOL_MAIN_CLASS[tool],
    ...args,
  ];
}

/** A tool's output did not have the expected shape. */
export class ToolOutputError extends Error {
  constructor(what: string, detail: string, output: string) {
    super(`${what}: ${detail}; output was:\n${output.trim().slice(0, 2000)}`);
    this.name = "ToolOutputError";
  }
}

// ---------------------------------------------------------------- kafka-metadata-quorum

export interface QuorumStatus {
  clusterId: string;
  leaderId: number;
  leaderEpoch: number;
  highWatermark: number;
  maxFollowerLag: number;
  /** Voter node ids, ascending. */
  voters: number[];
  /** Observer node ids (brokers that are not voters), ascending. */
  observers: number[];
  /** Voter id -> endpoints it advertises to the quorum (e.g. `CONTROLLER://host:9093`). */
  voterEndpoints: Record<number, string[]>;
}

/** `kafka-metadata-quorum.sh describe --status`. */
export function parseQuorumStatus(stdout: string): QuorumStatus {
  const what = "kafka-metadata-quorum describe --status";
  const fields = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const m = /^([A-Za-z]+):\s*(.*?)\s*$/.exec(line);
    if (m?.[1] && m[2] !== undefined) fields.set(m[1], m[2]);
  }
  const field = (key: string): string => {
    const v = fields.get(key);
    if (v === undefined) throw new ToolOutputError(what, `no ${key} line`, stdout);
    return v;
  };
  const int = (key: string): number => {
    const v = Number(field(key));
    if (!Number.isInteger(v)) throw new ToolOutputError(what, `${key} is not an integer`, stdout);
    return v;
  };
  const voters = nodeList(field("CurrentVoters"), what, stdout);
  const observers = nodeList(field("CurrentObservers"), what, stdout);
  return {
    clusterId: field("ClusterId"),
    leaderId: int("LeaderId"),
    leaderEpoch: int("LeaderEpoch"),
    highWatermark: int("HighWatermark"),
    maxFollowerLag: int("MaxFollowerLag"),
    voters: voters.map((n) => n.id).sort((a, b) => a - b),
    observers: observers.map((n) => n.id).sort((a, b) => a - b),
    voterEndpoints: Object.fromEntries(voters.map((n) => [n.id, n.endpoints])),
  };
}

/** A JSON list of node ids (older format) or of `{"id": n, "endpoints": [...]}` objects. */
function nodeList(text: string, what: string, stdout: string): { id: number; endpoints: string[] }[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ToolOutputError(what, `not a JSON list: ${text}`, stdout);
  }
  if (!Array.isArray(parsed)) throw new ToolOutputError(what, `not a list: ${text}`, stdout);
  return parsed.map((n: unknown) => {
    if (typeof n === "number") return { id: n, endpoints: [] };
    if (n && typeof n === "object" && typeof (n as { id?: unknown }).id === "number") {
      const eps = (n as { endpoints?: unknown }).endpoints;
      return { id: (n as { id: number }).id, endpoints: Array.isArray(eps) ? eps.map(String) : [] };
    }
    throw new ToolOutputError(what, `a node without an id: ${JSON.stringify(n)}`, stdout);
  });
}

export interface QuorumReplica {
  nodeId: number;
  directoryId: string;
  logEndOffset: number;
  lag: number;
  lastFetchTimestamp: number;
  lastCaughtUpTimestamp: number;
  /** `Leader`, `Follower` or `Observer`. */
  status: string;
}

/** `kafka-metadata-quorum.sh describe --replication`: one row per voter and observer. */
export function parseQuorumReplication(stdout: string): QuorumReplica[] {
  const what = "kafka-metadata-quorum describe --replication";
  const rows = tabRows(stdout);
  const header = rows.shift();
  const need = ["NodeId", "DirectoryId", "LogEndOffset", "Lag", "LastFetchTimestamp", "LastCaughtUpTimestamp", "Status"];
  if (!header || need.some((h) => !header.includes(h))) throw new ToolOutputError(what, "no header row", stdout);
  const col = (row: string[], name: string) => row[header.indexOf(name)] ?? "";
  const num = (row: string[], name: string) => {
    const v = Number(col(row, name));
    if (!Number.isFinite(v)) throw new ToolOutputError(what, `${name} is not a number in row ${row.join(" ")}`, stdout);
    return v;
  };
  return rows.map((row) => ({
    nodeId: num(row, "NodeId"),
    directoryId: col(row, "DirectoryId"),
    logEndOffset: num(row, "LogEndOffset"),
    lag: num(row, "Lag"),
    lastFetchTimestamp: num(row, "LastFetchTimestamp"),
    lastCaughtUpTimestamp: num(row, "LastCaughtUpTimestamp"),
    status: col(row, "Status"),
  }));
}

/** Non-empty lines split on tabs, cells trimmed, trailing empty cells dropped. */
function tabRows(stdout: string): string[][] {
  return stdout
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const cells = l.split("\t").map((c) => c.trim());
      while (cells.length > 0 && cells[cells.length - 1] === "") cells.pop();
      return cells;
    });
}

// ---------------------------------------------------------------- kafka-topics --describe

export interface PartitionState {
  partition: number;
  /** null when the partition has no leader (`Leader: none`). */
  leader: number | null;
  replicas: number[];
  isr: number[];
  /** Eligible leader replicas (KIP-966); empty when the feature is off. */
  elr: number[];
  lastKnownElr: number[];
}

export interface TopicDescription {
  topic: string;
  /** Absent for partition lines printed without their topic line (`--under-replicated-partitions`). */
  topicId?: string;
  partitionCount?: number;
  replicationFactor?: number;
  configs: Record<string, string>;
  partitions: PartitionState[];
}

/**
 * `kafka-topics.sh --describe [--topic T]`, also with `--under-replicated-partitions` and friends
 * (partition lines only). Topics in the order printed, partitions in the order printed.
 */
export function parseTopicDescribe(stdout: string): TopicDescription[] {
  const what = "kafka-topics --describe";
  const topics = new Map<string, TopicDescription>();
  const topicFor = (name: string): TopicDescription => {
    let t = topics.get(name);
    if (!t) {
      t = { topic: name, configs: {}, partitions: [] };
      topics.set(name, t);
    }
    return t;
  };
  for (const line of stdout.split("\n")) {
    if (line.trim() === "") continue;
    const fields = describeFields(line);
    const name = fields.get("Topic");
    if (name === undefined) throw new ToolOutputError(what, `a line without Topic: ${line}`, stdout);
    const t = topicFor(name);
    if (fields.has("Partition")) {
      const leader = fields.get("Leader") ?? "";
      t.partitions.push({
        partition: intField(fields, "Partition", what, stdout),
        leader: leader === "none" || leader === "-1" || leader === "" ? null : toInt(leader, what, stdout),
        replicas: idList(fields.get("Replicas"), what, stdout),
        isr: idList(fields.get("Isr"), what, stdout),
        elr: idList(fields.get("Elr"), what, stdout),
        lastKnownElr: idList(fields.get("LastKnownElr"), what, stdout),
      });
    } else {
      t.topicId = fields.get("TopicId");
      t.partitionCount = intField(fields, "PartitionCount", what, stdout);
      t.replicationFactor = intField(fields, "ReplicationFactor", what, stdout);
      t.configs = parseConfigs(fields.get("Configs") ?? "");
    }
  }
  return [...topics.values()];
}

/** A describe line is `Key: value` cells separated by tabs. */
function describeFields(line: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const cell of line.split("\t")) {
    const m = /^\s*([A-Za-z]+):\s?(.*)$/.exec(cell);
    if (m?.[1]) out.set(m[1], (m[2] ?? "").trim());
  }
  return out;
}

/** `a=b,c=d`; a value may itself hold commas (`cleanup.policy=compact,delete`). */
function parseConfigs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let last: string | undefined;
  for (const part of text.split(",")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    if (eq > 0) {
      last = part.slice(0, eq);
      out[last] = part.slice(eq + 1);
    } else if (last !== undefined) {
      out[last] += `,${part}`;
    }
  }
  return out;
}

function idList(text: string | undefined, what: string, stdout: string): number[] {
  if (!text) return [];
  return text.split(",").map((s) => toInt(s.trim(), what, stdout));
}

function intField(fields: Map<string, string>, key: string, what: string, stdout: string): number {
  const v = fields.get(key);
  if (v === undefined) throw new ToolOutputError(what, `no ${key}`, stdout);
  return toInt(v, what, stdout);
}

function toInt(text: string, what: string, stdout: string): number {
  if (!/^-?\d+$/.test(text)) throw new ToolOutputError(what, `"${text}" is not a node or partition id`, stdout);
  return Number(text);
}

/** Partitions whose ISR is smaller than their replica set, as `topic-partition` names. */
export function underReplicated(topics: readonly TopicDescription[]): string[] {
  return topics.flatMap((t) => t.partitions.filter((p) => p.isr.length < p.replicas.length).map((p) => `${t.topic}-${p.partition}`));
}

// ---------------------------------------------------------------- kafka-cluster list-endpoints

export interface BrokerEndpoint {
  id: number;
  host: string;
  port: number;
  rack: string | null;
  /** `fenced` or `unfenced` (brokers); controllers' rows carry their own state. */
  state: string;
  endpointType: string;
}

export interface Brokers {
  /** Every registered broker id (fenced or not), ascending. */
  registered: number[];
  fenced: number[];
  endpoints: BrokerEndpoint[];
}

/**
 * `kafka-cluster.sh list-endpoints --bootstrap-server B --include-fenced-brokers`: the brokers
 * registered with the controller, each with its advertised endpoint and fencing state.
 */
export function parseBrokers(stdout: string): Brokers {
  const what = "kafka-cluster list-endpoints";
  const rows = stdout
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => l.trim().split(/\s+/));
  const header = rows.shift();
  const need = ["ID", "HOST", "PORT", "RACK", "STATE", "ENDPOINT_TYPE"];
  if (!header || need.some((h) => !header.includes(h))) throw new ToolOutputError(what, "no header row", stdout);
  const col = (row: string[], name: string) => row[header.indexOf(name)] ?? "";
  const endpoints = rows.map((row) => {
    if (row.length !== header.length) throw new ToolOutputError(what, `row has ${row.length} columns, header ${header.length}`, stdout);
    const rack = col(row, "RACK");
    return {
      id: toInt(col(row, "ID"), what, stdout),
      host: col(row, "HOST"),
      port: toInt(col(row, "PORT"), what, stdout),
      rack: rack === "null" ? null : rack,
      state: col(row, "STATE"),
      endpointType: col(row, "ENDPOINT_TYPE"),
    };
  });
  const brokers = endpoints.filter((e) => e.endpointType === "broker");
  const ids = (list: BrokerEndpoint[]) => [...new Set(list.map((e) => e.id))].sort((a, b) => a - b);
  return { registered: ids(brokers), fenced: ids(brokers.filter((e) => e.state === "fenced")), endpoints };
}

// ---------------------------------------------------------------- the calls whose output the parsers read

export interface ToolCall {
  tool: Tool;
  args: string[];
}

/** Output for parseQuorumStatus. */
export const quorumStatusCall = (bootstrap: string): ToolCall => ({
  tool: "metadata-quorum",
  args: ["--bootstrap-server", bootstrap, "describe", "--status"],
});

/** Output for parseQuorumReplication. */
export const quorumReplicationCall = (bootstrap: string): ToolCall => ({
  tool: "metadata-quorum",
  args: ["--bootstrap-server", bootstrap, "describe", "--replication"],
});

/** Output for parseTopicDescribe: every topic (internal ones included), or one. */
export const describeTopicsCall = (bootstrap: string, topic?: string): ToolCall => ({
  tool: "topics",
  args: ["--bootstrap-server", bootstrap, "--describe", ...(topic ? ["--topic", topic] : [])],
});

/** Output for parseBrokers. */
export const brokersCall = (bootstrap: string): ToolCall => ({
  tool: "cluster",
  args: ["list-endpoints", "--bootstrap-server", bootstrap, "--include-fenced-brokers"],
});

/** Creates a topic; exits non-zero when it exists already. */
export const createTopicCall = (bootstrap: string, topic: string, partitions: number, replicationFactor: number): ToolCall => ({
  tool: "topics",
  args: ["--bootstrap-server", bootstrap, "--create", "--topic", topic, "--partitions", String(partitions), "--replication-factor", String(replicationFactor)],
});

/** argv of a ToolCall (see toolArgv). */
export const callArgv = (call: ToolCall, opts?: ToolArgvOptions): string[] => toolArgv(call.tool, call.args, opts);
