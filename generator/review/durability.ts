// review/durability: what a change of the derived replication settings does to
// topics that already exist. Kafka applies default.replication.factor and the
// internal topics' factors only when a topic is created, but min.insync.replicas
// (a broker default the topics inherit) applies at once: raising it above the
// factor an existing topic was created with makes every acks=all write to that
// topic fail with NOT_ENOUGH_REPLICAS. Pure, so scaffold and diff share it.

/** What this module reads of an environment's state (the committed and the new side alike). */
export interface ReplicationView {
  name: string;
  brokers?: number;
  /** Broker ids with the broker role, when known (to say where partitions can go). */
  brokerIds?: number[];
  settings: Record<string, string>;
}

export interface DurabilityRisk {
  kind: "durability-tightened" | "replication-raised" | "brokers-added";
  message: string;
  advice: string;
}

const num = (s: Record<string, string>, key: string, fallback: number) => {
  const v = Number(s[key]);
  return Number.isFinite(v) ? v : fallback;
};

/** Kafka's own defaults, for settings a state does not carry. */
const KAFKA_DEFAULTS = { "default.replication.factor": 1, "min.insync.replicas": 1, "offsets.topic.replication.factor": 3, "offsets.topic.num.partitions": 50 };
const get = (s: Record<string, string>, key: keyof typeof KAFKA_DEFAULTS) => num(s, key, KAFKA_DEFAULTS[key]);

/** Where the advice's commands run: kafka-gitops from the user's shell, Kafka's tools inside a broker pod. */
export interface CommandContext {
  /** The --dir and --config the user passed to kafka-gitops, passed on to replication-plan ("." and none are left out). */
  dir?: string;
  config?: string;
  /** `kubectl -n NS exec -i TARGET --` for a broker pod; the bootstrap address is only reachable inside the cluster. */
  exec?: string;
}

const shellQuote = (s: string) => (/^[A-Za-z0-9_./:=@,+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function durabilityRisks(before: ReplicationView, after: ReplicationView, bootstrap: string, cmd: CommandContext = {}): DurabilityRisk[] {
  const out: DurabilityRisk[] = [];
  const b = before.settings;
  const a = after.settings;
  const minIsr = get(a, "min.insync.replicas");
  const oldDefault = get(b, "default.replication.factor");
  const oldOffsets = get(b, "offsets.topic.replication.factor");
  const newDefault = get(a, "default.replication.factor");
  const newOffsets = get(a, "offsets.topic.replication.factor");
  const partitions = get(a, "offsets.topic.num.partitions");
  const factor = Math.min(newDefault, after.brokers ?? newDefault);
  const exec = cmd.exec ?? "kubectl -n <namespace> exec -i <broker pod> --";
  const kafkaGitops =
    "npx kafka-gitops replication-plan" +
    (cmd.dir !== undefined && cmd.dir !== "." ? ` --dir ${shellQuote(cmd.dir)}` : "") +
    (cmd.config !== undefined ? ` --config ${shellQuote(cmd.config)}` : "");
  const reassign = (file: string, mode: string) =>
    `/opt/kafka/bin/kafka-reassign-partitions.sh --bootstrap-server ${bootstrap} --reassignment-json-file ${file} ${mode}`;
  /** The plan from the config's brokers, copied into the pod and executed there; --verify until it says completed. */
  const plan = (topic: string, count: string, withFactor = true) =>
    `\`${kafkaGitops} --env ${after.name} --topic ${topic} --partitions ${count}${withFactor ? ` --factor ${factor}` : ""} > plan.json\` then ` +
    `\`${exec} sh -c 'cat > /tmp/plan.json && ${reassign("/tmp/plan.json", "--execute")}' < plan.json\` and ` +
    `\`${exec} ${reassign("/tmp/plan.json", "--verify")}\` until every partition is completed`;
  const describe = `\`${exec} /opt/kafka/bin/kafka-topics.sh --bootstrap-server ${bootstrap} --describe\``;

  const rejecting: string[] = [];
  if (minIsr > oldOffsets) rejecting.push(`__consumer_offsets (created with factor ${oldOffsets}: consumers can no longer commit offsets)`);
  if (minIsr > oldDefault) rejecting.push(`every topic created with the default factor ${oldDefault}`);
  if (rejecting.length > 0)
    out.push({
      kind: "durability-tightened",
      message: `min.insync.replicas rises to ${minIsr}, above the replication factor of existing topics: ${rejecting.join("; ")}. acks=all writes to them fail with NOT_ENOUGH_REPLICAS`,
      advice:
        `pin min.insync.replicas: ${get(b, "min.insync.replicas")} in environments.${after.name}.config for this change; once the new brokers run, raise those topics' replication to ${factor} (list them with ${describe}; ` +
        `for the offsets topic: ${plan("__consumer_offsets", String(partitions))}; the same for each other topic with its name and partition count), ` +
        `then remove the pin`,
    });
  else if (newDefault > oldDefault || newOffsets > oldOffsets)
    out.push({
      kind: "replication-raised",
      message: `replication defaults rise (default.replication.factor ${oldDefault} -> ${newDefault}, offsets topic ${oldOffsets} -> ${newOffsets}); they apply to new topics only, existing topics and __consumer_offsets keep their factor`,
      advice: `raise existing topics' replication with a reassignment once the new brokers run: ${plan("__consumer_offsets", String(partitions))}; the same for each other topic (list them with ${describe})`,
    });

  if (before.brokers !== undefined && after.brokers !== undefined && after.brokers > before.brokers) {
    const added = after.brokerIds?.slice(before.brokers) ?? [];
    out.push({
      kind: "brokers-added",
      message: `${after.brokers - before.brokers} broker${after.brokers - before.brokers === 1 ? "" : "s"} added${added.length ? ` (node ${added.join(", ")})` : ""}: new brokers get no existing partitions by themselves`,
      advice:
        `once they are up, spread a topic over every broker: ${plan("<topic>", "<its partition count>", false)} ` +
        `(add --factor <its replication factor> when it is not ${Math.min(3, after.brokers)}; list topics with ${describe}). Each moved replica is copied over the network: move one topic at a time`,
    });
  }
  return out;
}

/**
 * A reassignment plan that gives every partition of `topic` `factor` replicas,
 * as kafka-reassign-partitions.sh reads it. Partition p starts at broker p mod n
 * (leaders spread evenly) and takes the next brokers round-robin; with `racks`
 * (broker id -> rack) it skips brokers whose rack the partition already has, so
 * replicas land in distinct racks while there are racks left. Deterministic.
 */
export function replicationPlan(topic: string, partitions: number, brokerIds: readonly number[], factor: number, racks?: ReadonlyMap<number, string>): string {
  if (factor > brokerIds.length) throw new RangeError(`factor ${factor} needs at least ${factor} brokers, there are ${brokerIds.length}`);
  const n = brokerIds.length;
  const rows = Array.from({ length: partitions }, (_, p) => {
    const order = Array.from({ length: n }, (_, i) => brokerIds[(p + i) % n]!);
    const replicas: number[] = [];
    const used = new Set<string>();
    for (const id of order) {
      const rack = racks?.get(id);
      if (replicas.length === factor || (rack !== undefined && used.has(rack))) continue;
      replicas.push(id);
      if (rack !== undefined) used.add(rack);
    }
    // More replicas than racks: the remaining ones go to the next brokers not yet used.
    for (const id of order) if (replicas.length < factor && !replicas.includes(id)) replicas.push(id);
    return { topic, partition: p, replicas };
  });
  return `${JSON.stringify({ version: 1, partitions: rows })}\n`;
}
