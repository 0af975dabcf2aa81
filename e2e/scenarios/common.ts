// Helpers the load and change scenarios share.
import { startLoad, type LoadResult, type LoadTest } from "../kafka/load.js";
import { createTopicCall, describeTopicsCall, FAST_CLIENT_JVM, parseTopicDescribe } from "../kafka/tools.js";
import type { Pod } from "../runner/pod.js";
import { call, lastLines, mustCall, quorum, sleep } from "./kafka.js";
import type { Context, Outcome } from "./types.js";

export const replicationFactor = (ctx: Context) => Math.min(3, ctx.env.brokers.length);

export async function createTopic(ctx: Context, topic: string, partitions = 3, rf = replicationFactor(ctx)): Promise<void> {
  const r = await call(ctx, createTopicCall(ctx.env.bootstrap, topic, partitions, rf));
  if (r.code !== 0 && !/already exists/.test(r.stdout + r.stderr)) throw new Error(`creating topic ${topic} failed: ${lastLines(r.stderr || r.stdout, 3)}`);
}

/** The pod that runs Kafka node `id` (its container's KAFKA_NODE_ID). */
export function podOfNode(ctx: Context, id: number): Pod {
  const p = ctx.cluster.livePods().find((x) => x.namespace === ctx.env.namespace && !x.terminating && x.containers[0]?.env.get("KAFKA_NODE_ID") === String(id));
  if (!p) throw new Error(`no pod runs node ${id}`);
  return p;
}

/** Waits until every partition of `topic` has its full replica set in sync (null on timeout). */
export async function waitIsrFull(ctx: Context, topic: string, timeoutMs: number): Promise<number | null> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    const r = await call(ctx, describeTopicsCall(ctx.env.bootstrap, topic));
    if (r.code === 0) {
      const t = parseTopicDescribe(r.stdout).find((x) => x.topic === topic);
      if (t && t.partitions.length && t.partitions.every((p) => p.isr.length === p.replicas.length && p.leader !== null)) return Date.now() - t0;
    }
    await sleep(2000);
  }
  return null;
}

export function load(ctx: Context, topic: string, throughput = 100): LoadTest {
  return startLoad((argv, opts) => ctx.cluster.spawnClient(ctx.client, argv, opts), {
    bootstrap: ctx.env.bootstrap,
    topic,
    throughput,
    ...(ctx.env.security?.producerConfig !== undefined && { producerConfig: ctx.env.security.producerConfig }),
    ...(ctx.env.security?.internal === "tls" && { consumerConfig: ctx.env.security.adminConfig }),
    tool: { jvm: FAST_CLIENT_JVM },
    log: (l) => ctx.log(`load: ${l}`),
  });
}

/** Waits until the load has some acknowledged and consumed traffic, so a disruption hits a live flow. */
export async function warmUp(ctx: Context, lt: LoadTest, timeoutMs = 120_000): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    const p = lt.progress();
    if (p.acked >= 50 && p.consumed >= 10) return;
    if (!p.producerRunning) throw new Error("the load's producer stopped before any traffic");
    await sleep(1000);
  }
  throw new Error(`no traffic after ${timeoutMs / 1000}s (acked ${lt.progress().acked}, consumed ${lt.progress().consumed})`);
}

export function loadOutcome(r: LoadResult): Pick<Outcome, "acked" | "lost" | "produceErrors"> {
  return { acked: r.acked, lost: r.lost, produceErrors: r.produceErrors };
}

export function loadDetail(r: LoadResult): string {
  return `acked ${r.acked}, consumed ${r.consumed}, lost ${r.lost}${r.lostValues.length ? ` (e.g. ${r.lostValues.slice(0, 5).join(",")})` : ""}, produce errors ${r.produceErrors}, duplicates ${r.duplicates}${r.errors.length ? `; errors: ${r.errors.slice(0, 3).join(" | ")}` : ""}`;
}

/** The voters, leader and unfenced brokers now (for the result line). */
export async function facts(ctx: Context) {
  const q = await quorum(ctx);
  return { voters: q.voters, leader: q.leaderId };
}

export { mustCall };
