// scale-up: one broker more in the config; the new node registers, the voters do not change,
// and the reassignment `kafka-gitops replication-plan` prints for the new broker set (what the
// scaffold's brokers-added note tells a person to run) completes, with replicas on the new node.
import { change, configCopy } from "./changes.js";
import { createTopic, podOfNode, replicationFactor } from "./common.js";
import { brokers, describeTopic, lastLines, quorum, sleep } from "./kafka.js";
import { toolArgv, FAST_CLIENT_JVM } from "../kafka/tools.js";
import type { Context, Outcome, Scenario } from "./types.js";

export const scaleUp: Scenario = {
  name: "scale-up",
  async run(ctx: Context): Promise<Outcome> {
    const topic = "e2e-scale-up";
    // As many partitions as brokers after the change: the round-robin plan then uses every broker.
    const partitions = ctx.env.brokers.length + 1;
    const rf = replicationFactor(ctx);
    await createTopic(ctx, topic, partitions, rf);
    const votersBefore = ctx.env.voters;
    const n = ctx.env.brokers.length;
    const env = await change(ctx, [[["brokers"], n + 1]]);
    const newId = Math.max(...env.brokers);
    podOfNode(ctx, newId);
    let b = await brokers(ctx);
    const t0 = Date.now();
    while ((!b.registered.includes(newId) || b.fenced.includes(newId)) && Date.now() - t0 < 120_000) {
      await sleep(2000);
      b = await brokers(ctx);
    }
    const q = await quorum(ctx);
    const plan = await configCopy(ctx).replicationPlan(ctx.env.name, topic, partitions, rf);
    const target = (JSON.parse(plan) as { partitions: Array<{ partition: number; replicas: number[] }> }).partitions;
    const reassign = (mode: string) =>
      ctx.cluster.execClient(
        ctx.client,
        [
          "bash",
          "-c",
          'cat > /tmp/plan.json && exec "$@"',
          "sh",
          ...toolArgv("reassign", ["--bootstrap-server", ctx.env.bootstrap, "--reassignment-json-file", "/tmp/plan.json", mode], { jvm: FAST_CLIENT_JVM }),
        ],
        { input: plan, timeoutMs: 120_000 },
      );
    const ex = await reassign("--execute");
    let done = false;
    let last = "";
    for (let i = 0; i < 30 && ex.code === 0 && !done; i++) {
      const v = await reassign("--verify");
      last = v.stdout;
      done = v.code === 0 && /is completed/.test(v.stdout) && !/in progress/.test(v.stdout);
      if (!done) await sleep(2000);
    }
    const after = await describeTopic(ctx, topic);
    const replicas = after.partitions.map((p) => p.replicas);
    const asPlanned = target.every((p) => JSON.stringify(after.partitions.find((x) => x.partition === p.partition)?.replicas) === JSON.stringify(p.replicas));
    const onNew = after.partitions.filter((p) => p.replicas.includes(newId)).length;
    const sameVoters = JSON.stringify(q.voters) === JSON.stringify(votersBefore);
    const registered = b.registered.filter((id) => !b.fenced.includes(id));
    const ok = registered.includes(newId) && sameVoters && done && asPlanned && onNew > 0;
    return {
      passed: ok,
      voters: q.voters,
      leader: q.leaderId,
      brokersRegistered: registered,
      detail: `brokers ${n} -> ${n + 1}: node ${newId} ${registered.includes(newId) ? "registered, unfenced" : "NOT registered"}; voters ${sameVoters ? "unchanged" : `changed to ${JSON.stringify(q.voters)}`}; replication-plan reassignment of ${partitions} partitions ${done ? "completed" : `NOT completed (${ex.code !== 0 ? lastLines(ex.stderr || ex.stdout, 2) : lastLines(last, 2)})`}, replicas ${asPlanned ? "as planned" : "NOT as planned"} ${JSON.stringify(replicas)}, ${onNew} on node ${newId}`,
    };
  },
};
