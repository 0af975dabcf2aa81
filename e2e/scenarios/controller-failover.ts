// controller-failover: SIGKILL the active controller; another voter is elected and metadata
// operations (create and describe a topic) still work; the killed node comes back as a voter.
import { createTopic, podOfNode } from "./common.js";
import { describeTopic, quorum, sleep } from "./kafka.js";
import type { Context, Outcome, Scenario } from "./types.js";

export const controllerFailover: Scenario = {
  name: "controller-failover",
  skip: (env) => (env.voters.length < 2 ? "one voter: no other controller can take over" : undefined),
  async run(ctx: Context): Promise<Outcome> {
    const q0 = await quorum(ctx);
    const old = q0.leaderId;
    const pod = podOfNode(ctx, old);
    ctx.log(`SIGKILL ${pod.name} (active controller ${old})`);
    ctx.cluster.kill(pod, "SIGKILL");
    const t0 = Date.now();
    let leader = old;
    let q = q0;
    while (Date.now() - t0 < 180_000) {
      try {
        q = await quorum(ctx);
        leader = q.leaderId;
        if (leader !== old && leader >= 0) break;
      } catch {
        /* the bootstrap broker may be the killed one */
      }
      await sleep(1000);
    }
    const electedS = Math.round((Date.now() - t0) / 1000);
    if (leader === old) return { passed: false, voters: q.voters, leader, detail: `no new leader ${electedS}s after killing controller ${old}` };
    const topic = "e2e-controller-failover";
    await createTopic(ctx, topic, 1);
    const t = await describeTopic(ctx, topic);
    while (!pod.ready && Date.now() - t0 < 300_000) await sleep(500);
    const q2 = await quorum(ctx);
    const same = JSON.stringify(q2.voters) === JSON.stringify(ctx.env.voters);
    return {
      passed: same && t.partitions.length === 1 && pod.ready,
      voters: q2.voters,
      leader: q2.leaderId,
      detail: `leader ${old} killed, ${leader} elected (seen after ${electedS}s); created and described ${topic}; ${pod.ready ? "killed node Ready again" : "killed node NOT Ready"}; voters ${JSON.stringify(q2.voters)}${same ? "" : ` expected ${JSON.stringify(ctx.env.voters)}`}`,
    };
  },
};
