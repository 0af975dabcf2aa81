// switch-workload: statefulset <-> deployment-per-broker and back, each tree synced as Argo CD
// would (old objects pruned, PVCs kept): CLUSTER_ID and every node's data survive, and messages
// produced before the switches are consumed after each one.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { claimPath } from "../runner/cluster.js";
import { sleep, waitFor } from "../runner/sh.js";
import { change } from "./changes.js";
import { createTopic, replicationFactor } from "./common.js";
import { lastLines, quorum } from "./kafka.js";
import { toolArgv, FAST_CLIENT_JVM } from "../kafka/tools.js";
import type { Context, Outcome, Scenario } from "./types.js";

const N = 100;

/** node.id and cluster.id of every PVC folder of the namespace (meta.properties, written by the format). */
function volumes(ctx: Context): Map<string, string> {
  const out = new Map<string, string>();
  for (const o of ctx.cluster.objects.values()) {
    if (o.kind !== "PersistentVolumeClaim" || o.metadata.namespace !== ctx.env.namespace) continue;
    const f = join(claimPath(ctx.env.namespace, o.metadata.name), "logs", "meta.properties");
    if (!existsSync(f)) continue;
    const t = readFileSync(f, "utf8");
    out.set(o.metadata.name, `node ${/node\.id=(\d+)/.exec(t)?.[1]} cluster ${/cluster\.id=(\S+)/.exec(t)?.[1]}`);
  }
  return out;
}

async function consumeAll(ctx: Context, topic: string): Promise<Set<string>> {
  const r = await ctx.cluster.execClient(
    ctx.client,
    toolArgv(
      "console-consumer",
      ["--bootstrap-server", ctx.env.bootstrap, "--topic", topic, "--from-beginning", "--max-messages", String(N), "--timeout-ms", "60000"],
      { jvm: FAST_CLIENT_JVM },
    ),
    { timeoutMs: 180_000 },
  );
  ctx.log(`consumer exit ${r.code}: ${lastLines(r.stderr, 2)}`);
  return new Set(r.stdout.split("\n").filter((l) => l.startsWith("switch-")));
}

export const switchWorkload: Scenario = {
  name: "switch-workload",
  async run(ctx: Context): Promise<Outcome> {
    const topic = "e2e-switch";
    await createTopic(ctx, topic, 3, replicationFactor(ctx));
    const values = Array.from({ length: N }, (_, i) => `switch-${i}`);
    const p = await ctx.cluster.execClient(
      ctx.client,
      toolArgv("console-producer", ["--bootstrap-server", ctx.env.bootstrap, "--topic", topic, "--producer-property", "acks=all"], { jvm: FAST_CLIENT_JVM }),
      { input: values.join("\n") + "\n", timeoutMs: 180_000 },
    );
    if (p.code !== 0) return { passed: false, detail: `producing before the switch failed: ${lastLines(p.stderr, 3)}` };
    const id0 = (await quorum(ctx)).clusterId;
    const vols0 = volumes(ctx);
    const from = ctx.env.workload;
    const to = from === "statefulset" ? "deployment-per-broker" : "statefulset";
    const steps: string[] = [];
    let ok = vols0.size > 0;
    for (const w of [to, from]) {
      const deployments = ctx.env.objects.filter((o) => o.kind === "Deployment");
      const waits = ctx.env.workload === "deployment-per-broker" && w === "statefulset" && deployments.length >= 2;
      const instance = deployments[0]?.metadata.labels?.["app.kubernetes.io/instance"] ?? "";
      let manual = "";
      // The generator refuses this direction without --allow-workload-switch, and says why: Argo CD
      // prunes the Deployments in mirrored wave order while the StatefulSet's wave waits for all of
      // its pods. Check that the sync does wait there, then take the documented manual step.
      const during = async () => {
        const ns = ctx.env.namespace;
        await waitFor(
          "the StatefulSet applied",
          () => [...ctx.cluster.objects.values()].some((o) => o.kind === "StatefulSet" && o.metadata.namespace === ns),
          600_000,
          500,
        );
        await sleep(30_000);
        const left = [...ctx.cluster.objects.values()].filter((o) => o.kind === "Deployment" && o.metadata.namespace === ns).length;
        const deleted = await ctx.cluster.deleteByHand("Deployment", ns, { "app.kubernetes.io/instance": instance });
        manual = ` (the sync waited at the StatefulSet's wave with ${left} old Deployment${left === 1 ? "" : "s"} left; deleted by hand: ${deleted.join(", ") || "none"})`;
        ctx.log(`switch: ${manual.trim()}`);
      };
      await change(ctx, [[["workload"], w]], waits ? { flags: ["--allow-workload-switch", ctx.env.name], during } : {});
      const got = await consumeAll(ctx, topic);
      const q = await quorum(ctx);
      const vols = volumes(ctx);
      const sameVols = [...vols0].every(([k, v]) => vols.get(k) === v);
      const missing = values.filter((v) => !got.has(v)).length;
      const fine = q.clusterId === id0 && sameVols && missing === 0 && ctx.env.workload === w;
      ok &&= fine;
      steps.push(
        `-> ${w}${manual}: cluster id ${q.clusterId === id0 ? "kept" : `CHANGED to ${q.clusterId}`}, ${vols0.size} volumes ${sameVols ? "kept" : "CHANGED"}, ${N - missing}/${N} messages consumed`,
      );
    }
    const q = await quorum(ctx);
    return { passed: ok, voters: q.voters, leader: q.leaderId, brokersRegistered: ctx.env.brokers, detail: `${from} ${steps.join("; ")}` };
  },
};
