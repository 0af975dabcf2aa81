// scale-up: one broker more in the config; the new node registers, the voters do not change,
// and a reassignment of a partition onto it completes.
import { change } from "./changes.js";
import { createTopic, podOfNode } from "./common.js";
import { brokers, describeTopic, lastLines, quorum, sleep } from "./kafka.js";
import { toolArgv, FAST_CLIENT_JVM } from "../kafka/tools.js";
import type { Context, Outcome, Scenario } from "./types.js";

export const scaleUp: Scenario = {
  name: "scale-up",
  async run(ctx: Context): Promise<Outcome> {
    const topic = "e2e-scale-up";
    await createTopic(ctx, topic, 1);
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
    const t = await describeTopic(ctx, topic);
    const p0 = t.partitions[0];
    if (!p0) return { passed: false, detail: `${topic} has no partition` };
    // Move partition 0 onto the new broker: it replaces the last replica.
    const target = [...p0.replicas.slice(0, -1), newId];
    const plan = JSON.stringify({ version: 1, partitions: [{ topic, partition: 0, replicas: target }] });
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
    const replicas = after.partitions[0]?.replicas ?? [];
    const sameVoters = JSON.stringify(q.voters) === JSON.stringify(votersBefore);
    const registered = b.registered.filter((id) => !b.fenced.includes(id));
    const ok = registered.includes(newId) && sameVoters && done && replicas.includes(newId);
    return {
      passed: ok,
      voters: q.voters,
      leader: q.leaderId,
      brokersRegistered: registered,
      detail: `brokers ${n} -> ${n + 1}: node ${newId} ${registered.includes(newId) ? "registered, unfenced" : "NOT registered"}; voters ${sameVoters ? "unchanged" : `changed to ${JSON.stringify(q.voters)}`}; reassignment of ${topic}-0 to ${JSON.stringify(target)} ${done ? "completed" : `NOT completed (${ex.code !== 0 ? lastLines(ex.stderr || ex.stdout, 2) : lastLines(last, 2)})`}, replicas now ${JSON.stringify(replicas)}`,
    };
  },
};
