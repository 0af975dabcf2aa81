// roll: a Kafka setting edited in the config restarts every node (new ConfigMap name, new pod
// template), applied as Argo CD would, under load; report produce errors and lost acked messages.
import { changeUnderLoad } from "./changes.js";
import { loadDetail, loadOutcome } from "./common.js";
import { quorum } from "./kafka.js";
import type { Context, Outcome, Scenario } from "./types.js";

export const roll: Scenario = {
  name: "roll",
  async run(ctx: Context): Promise<Outcome> {
    // A harmless broker setting: every pod's template changes (the ConfigMap's hashed name).
    const { load: r, error: err, seconds: rolledS, survivors } = await changeUnderLoad(ctx, "e2e-roll", [[["config", "num.recovery.threads.per.data.dir"], 2]]);
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
