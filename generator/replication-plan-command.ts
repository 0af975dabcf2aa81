// `kafka-gitops replication-plan`: the reassignment JSON that gives every
// partition of one topic its replicas on the environment's brokers (from the
// config's model, so new brokers count as soon as they are in the config), for
// kafka-reassign-partitions.sh. With rack zones, each partition's replicas are
// in distinct racks. Writes nothing; the JSON goes to stdout, a summary to stderr.
import { resolve } from "node:path";
import { UserError } from "./errors.js";
import { CONFIG_FILE } from "./layout.js";
import type { Output } from "./output.js";

export interface ReplicationPlanOptions {
  dir: string;
  config?: string;
  env?: string;
  topic?: string;
  partitions?: string;
  factor?: string;
}

/** Kafka's rule for topic names: at most 249 of these characters, and not `.` or `..`. */
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

const wholeNumber = (s: string | undefined) => (s !== undefined && /^[0-9]+$/.test(s) ? Number(s) : undefined);

export async function runReplicationPlan(opts: ReplicationPlanOptions, out: Output): Promise<0> {
  const problems: string[] = [];
  if (opts.env === undefined) problems.push("--env ENV is required: the environment whose brokers get the replicas");
  if (opts.topic === undefined) problems.push("--topic T is required: the topic to reassign");
  else if (!TOPIC.test(opts.topic) || opts.topic === "." || opts.topic === "..")
    problems.push(`--topic ${JSON.stringify(opts.topic)} is not a Kafka topic name (letters, digits, '.', '_' and '-', at most 249)`);
  const partitions = wholeNumber(opts.partitions);
  if (opts.partitions === undefined) problems.push("--partitions N is required: the topic's partition count (kafka-topics.sh --describe shows it)");
  else if (partitions === undefined || partitions < 1) problems.push(`--partitions ${opts.partitions} must be a whole number of at least 1`);
  const factorGiven = wholeNumber(opts.factor);
  if (opts.factor !== undefined && (factorGiven === undefined || factorGiven < 1))
    problems.push(`--factor ${opts.factor} must be a whole number of at least 1`);
  if (problems.length) throw new UserError(`replication-plan: ${problems.join("; ")}`);

  const file = resolve(opts.dir, opts.config ?? CONFIG_FILE);
  const [{ loadConfig }, { buildModel, nodeIds, nodeZone }, { replicationPlan }] = await Promise.all([
    import("./config/load.js"),
    import("./model/model.js"),
    import("./review/durability.js"),
  ]);
  const model = buildModel((await loadConfig(file)).config);
  const em = model.environments.find((e) => e.env.name === opts.env);
  if (!em)
    throw new UserError(
      `replication-plan: --env ${opts.env}: no such environment in ${file}; environments: ${model.environments.map((e) => e.env.name).join(", ")}`,
    );
  const brokerGroups = em.groups.filter((g) => g.roles.includes("broker"));
  const brokerIds = brokerGroups.flatMap(nodeIds);
  const racks = new Map<number, string>();
  for (const g of brokerGroups)
    for (const id of nodeIds(g)) {
      const zone = nodeZone(em.env, g, id);
      if (zone !== undefined) racks.set(id, zone);
    }
  const factor = factorGiven ?? Math.min(3, brokerIds.length);
  if (factor > brokerIds.length)
    throw new UserError(
      `replication-plan: --factor ${factor} needs ${factor} brokers, environment ${em.env.name} has ${brokerIds.length} (node ${brokerIds.join(", ")}); lower --factor or raise environments.${em.env.name}.brokers`,
    );
  out.info(replicationPlan(opts.topic!, partitions!, brokerIds, factor, racks.size ? racks : undefined).trimEnd());
  const distinctRacks = new Set(racks.values()).size;
  out.warn(
    `note: ${opts.topic}: ${partitions} partition${partitions === 1 ? "" : "s"}, ${factor} replica${factor === 1 ? "" : "s"} each over brokers ${brokerIds.join(", ")} of ${em.env.name}` +
      (racks.size ? `, in ${Math.min(factor, distinctRacks)} distinct racks each (rack.zones)` : ""),
  );
  return 0;
}
