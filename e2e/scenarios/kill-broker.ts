// kill-broker: SIGKILL one broker pod under load; the kubelet restarts its container, the broker
// rejoins the ISR; no acknowledged message may be lost.
import { createTopic, load, loadDetail, loadOutcome, podOfNode, waitIsrFull, warmUp } from "./common.js";
import { quorum, sleep } from "./kafka.js";
import type { Context, Outcome, Scenario } from "./types.js";

export const killBroker: Scenario = {
  name: "kill-broker",
  async run(ctx: Context): Promise<Outcome> {
    const topic = "e2e-kill-broker";
    await createTopic(ctx, topic);
    const q0 = await quorum(ctx);
    // A broker that is not the active controller (controller-failover covers that one), the highest id.
    const victim = [...ctx.env.brokers].reverse().find((id) => id !== q0.leaderId) ?? (ctx.env.brokers[0] as number);
    const pod = podOfNode(ctx, victim);
    const before = pod.containers[0]?.restartCount ?? 0;
    const lt = load(ctx, topic);
    let rejoinMs: number | null = null;
    try {
      await warmUp(ctx, lt);
      ctx.log(`SIGKILL ${pod.name} (node ${victim})`);
      ctx.cluster.kill(pod, "SIGKILL");
      const t0 = Date.now();
      while (!(pod.ready && (pod.containers[0]?.restartCount ?? 0) > before) && Date.now() - t0 < 240_000) await sleep(500);
      rejoinMs = await waitIsrFull(ctx, topic, 240_000);
      await sleep(5000);
    } finally {
      var r = await lt.stop();
    }
    const restarted = (pod.containers[0]?.restartCount ?? 0) > before;
    const q = await quorum(ctx);
    const ok = restarted && rejoinMs !== null && r.lost === 0;
    return {
      passed: ok,
      ...loadOutcome(r),
      voters: q.voters,
      leader: q.leaderId,
      brokersRegistered: ctx.env.brokers,
      detail: `killed node ${victim} (${pod.name}): ${restarted ? "container restarted" : "NOT restarted"}, ${rejoinMs !== null ? `ISR full again ${Math.round(rejoinMs / 1000)}s after Ready` : "ISR NOT full again"}; ${loadDetail(r)}`,
    };
  },
};
