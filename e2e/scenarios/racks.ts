// Rack awareness, checked by boot when the rendered pods set broker.rack (KAFKA_BROKER_RACK):
// every broker registered with its own rack, and a topic created with replication factor
// min(3, racks) has each partition's replicas in distinct racks (Kafka's rack-aware assignment).
import { createTopic } from "./common.js";
import { brokers, describeTopic } from "./kafka.js";
import type { Context } from "./types.js";

export async function rackProblems(ctx: Context): Promise<{ problems: string[]; detail: string }> {
  const expected = ctx.env.racks;
  const problems: string[] = [];
  const b = await brokers(ctx);
  const registered = new Map(b.endpoints.filter((e) => e.endpointType === "broker").map((e) => [e.id, e.rack]));
  for (const [id, rack] of Object.entries(expected))
    if (registered.get(Number(id)) !== rack) problems.push(`broker ${id} registered with rack ${registered.get(Number(id)) ?? "none"}, expected ${rack}`);
  const racks = new Set(Object.values(expected)).size;
  const rf = Math.min(3, racks, ctx.env.brokers.length);
  const topic = "e2e-racks";
  const partitions = 6;
  await createTopic(ctx, topic, partitions, rf);
  const t = await describeTopic(ctx, topic);
  for (const p of t.partitions) {
    const placed = p.replicas.map((id) => expected[id] ?? "none");
    if (new Set(placed).size !== p.replicas.length)
      problems.push(`${topic}-${p.partition}: replicas ${JSON.stringify(p.replicas)} in racks ${placed.join(",")}`);
  }
  if (t.partitions.length !== partitions) problems.push(`${topic} has ${t.partitions.length} partitions, expected ${partitions}`);
  return { problems, detail: `racks ${JSON.stringify(expected)}, ${topic} RF ${rf}: each of ${t.partitions.length} partitions in ${rf} distinct racks` };
}
