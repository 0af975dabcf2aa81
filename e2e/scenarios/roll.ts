// roll: a Kafka setting edited in the config restarts every node (new ConfigMap name, new pod
// template), applied as Argo CD would, under load; report produce errors and lost acked messages.
import { change } from "./changes.js";
import { createTopic, load, loadDetail, loadOutcome, warmUp } from "./common.js";
import { quorum } from "./kafka.js";
import type { Context, Outcome, Scenario } from "./types.js";

export const roll: Scenario = {
  name: "roll",
  async run(ctx: Context): Promise<Outcome> {
    const topic = "e2e-roll";
    await createTopic(ctx, topic);
    const before = new Map(ctx.cluster.livePods().map((p) => [p.name, p.uid]));
    const lt = load(ctx, topic);
    let err: Error | undefined;
    const t0 = Date.now();
    try {
      await warmUp(ctx, lt);
      // A harmless broker setting: every pod's template changes (the ConfigMap's hashed name).
      await change(ctx, [[["config", "num.recovery.threads.per.data.dir"], 2]]);
    } catch (e) {
      err = e as Error;
    }
    const r = await lt.stop();
    const rolledS = Math.round((Date.now() - t0) / 1000);
    const survivors = ctx.cluster
      .livePods()
      .filter((p) => before.get(p.name) === p.uid)
      .map((p) => p.name);
    const q = await quorum(ctx);
    const ok = !err && survivors.length === 0 && r.lost === 0;
    const single = ctx.env.brokers.length === 1;
    return {
      passed: ok,
      ...loadOutcome(r),
      voters: q.voters,
      leader: q.leaderId,
      brokersRegistered: ctx.env.brokers,
      detail: `${err ? `roll failed: ${err.message}; ` : ""}every pod replaced: ${survivors.length === 0 ? "yes" : `no (${survivors.join(",")})`} in ${rolledS}s${single ? " (one broker: an outage by design)" : ""}; ${loadDetail(r)}`,
    };
  },
};
