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

export function durabilityRisks(before: ReplicationView, after: ReplicationView, bootstrap: string): DurabilityRisk[] {
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
  const plan = (topic: string, count: string) =>
    `npx kafka-gitops replication-plan --env ${after.name} --topic ${topic} --partitions ${count} --factor ${factor} > ${topic}.json && ` +
    `kafka-reassign-partitions.sh --bootstrap-server ${bootstrap} --reassignment-json-file ${topic}.json --execute (then --verify)`;

  const rejecting: string[] = [];
  if (minIsr > oldOffsets) rejecting.push(`__consumer_offsets (created with factor ${oldOffsets}: consumers can no longer commit offsets)`);
  if (minIsr > oldDefault) rejecting.push(`every topic created with the default factor ${oldDefault}`);
  if (rejecting.length > 0)
    out.push({
      kind: "durability-tightened",
      message: `min.insync.replicas rises to ${minIsr}, above the replication factor of existing topics: ${rejecting.join("; ")}. acks=all writes to them fail with NOT_ENOUGH_REPLICAS`,
      advice:
        `raise those topics' replication to ${factor} first (list them with kafka-topics.sh --bootstrap-server ${bootstrap} --describe, ` +
        `then for each: ${plan("<topic>", "<partitions>")}; for the offsets topic: ${plan("__consumer_offsets", String(partitions))}), ` +
        `or pin min.insync.replicas in the environment's config`,
    });
  else if (newDefault > oldDefault || newOffsets > oldOffsets)
    out.push({
      kind: "replication-raised",
      message: `replication defaults rise (default.replication.factor ${oldDefault} -> ${newDefault}, offsets topic ${oldOffsets} -> ${newOffsets}); they apply to new topics only, existing topics and __consumer_offsets keep their factor`,
      advice: `raise existing topics' replication with a reassignment: ${plan("__consumer_offsets", String(partitions))}, and the same per topic`,
    });

  if (before.brokers !== undefined && after.brokers !== undefined && after.brokers > before.brokers) {
    const added = after.brokerIds?.slice(before.brokers) ?? [];
    const all = after.brokerIds?.join(",") ?? "<all broker ids>";
    out.push({
      kind: "brokers-added",
      message: `${after.brokers - before.brokers} broker${after.brokers - before.brokers === 1 ? "" : "s"} added${added.length ? ` (node ${added.join(", ")})` : ""}: new brokers get no existing partitions by themselves`,
      advice:
        `once they are up, move partitions onto them: echo '{"version":1,"topics":[{"topic":"<topic>"}]}' > topics.json && ` +
        `kafka-reassign-partitions.sh --bootstrap-server ${bootstrap} --topics-to-move-json-file topics.json --broker-list ${all} --generate, ` +
        `review the proposed plan, save it as plan.json and run it with --execute (then --verify)`,
    });
  }
  return out;
}

/**
 * A reassignment plan that gives every partition of `topic` `factor` replicas,
 * spread round-robin over `brokerIds` (partition p starts at broker p mod n), as
 * kafka-reassign-partitions.sh reads it. Deterministic: the same input gives the same plan.
 */
export function replicationPlan(topic: string, partitions: number, brokerIds: readonly number[], factor: number): string {
  if (factor > brokerIds.length) throw new RangeError(`factor ${factor} needs at least ${factor} brokers, there are ${brokerIds.length}`);
  const rows = Array.from({ length: partitions }, (_, p) => ({
    topic,
    partition: p,
    replicas: Array.from({ length: factor }, (_, r) => brokerIds[(p + r) % brokerIds.length]!),
  }));
  return `${JSON.stringify({ version: 1, partitions: rows })}\n`;
}
