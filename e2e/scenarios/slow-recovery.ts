// slow-recovery: a broker whose restart takes longer than a fixed ten-minute startup budget (a
// long log recovery, stood in for by a delay before its process runs) is not killed by its probes:
// the generated budget grows with the volume (10 min + 10 s per GiB), and liveness only starts
// after startup. The container must restart exactly once (the SIGKILL), become Ready and catch up.
import { TIME_FACTOR } from "../runner/knobs.js";
import { createTopic, load, loadDetail, loadOutcome, podOfNode, waitIsrFull, warmUp } from "./common.js";
import { quorum, sleep } from "./kafka.js";
import type { EnvUnderTest } from "./environment.js";
import type { Context, Outcome, Scenario } from "./types.js";

/** The fixed budget a volume-blind startup probe would have (60 x 10 s), in unscaled seconds. */
const FIXED_BUDGET = 600;
/** The stand-in recovery: one minute longer than that fixed budget. */
const RECOVERY = FIXED_BUDGET + 60;
/** Real seconds the node needs after the delay to start its JVM and catch up (not scaled). */
const ROOM = 150;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const budgetOf = (probe: any) => (probe.initialDelaySeconds ?? 0) + (probe.periodSeconds ?? 10) * (probe.failureThreshold ?? 3);

/** The smallest startup budget of the broker-role workloads, in unscaled seconds. */
function smallestBrokerBudget(env: EnvUnderTest): number | undefined {
  const budgets = env.objects
    .map((o) => o.spec?.template?.spec?.containers?.[0])
    .filter((c) => c?.startupProbe && c.env?.some((e: { name: string; value?: string }) => e.name === "KAFKA_PROCESS_ROLES" && e.value?.includes("broker")))
    .map((c) => budgetOf(c.startupProbe));
  return budgets.length ? Math.min(...budgets) : undefined;
}

export const slowRecovery: Scenario = {
  name: "slow-recovery",
  skip(env) {
    const budget = smallestBrokerBudget(env);
    if (budget === undefined) return "no broker with a startup probe";
    const delay = Math.round(RECOVERY * TIME_FACTOR);
    if (budget * TIME_FACTOR - delay < ROOM)
      return `startup budget ${budget}s (${Math.round(budget * TIME_FACTOR)}s scaled) leaves less than ${ROOM}s after a ${RECOVERY}s recovery (${delay}s scaled): the volume is too small for this check`;
    return undefined;
  },
  async run(ctx: Context): Promise<Outcome> {
    const q0 = await quorum(ctx);
    const victim = [...ctx.env.brokers].reverse().find((id) => id !== q0.leaderId) ?? (ctx.env.brokers[0] as number);
    const pod = podOfNode(ctx, victim);
    const container = pod.containers[0]!;
    const sp = container.spec.startupProbe;
    if (!sp) return { passed: false, detail: `${pod.name} has no startup probe` };
    const budget = budgetOf(sp);
    const delay = Math.round(RECOVERY * TIME_FACTOR);
    const topic = "e2e-slow-recovery";
    await createTopic(ctx, topic);
    const before = container.restartCount;
    const lt = load(ctx, topic);
    let readyAfter: number | null = null;
    let rejoinMs: number | null = null;
    try {
      await warmUp(ctx, lt);
      container.nextStartDelaySeconds = delay;
      ctx.log(`SIGKILL ${pod.name} (node ${victim}); its restart waits ${delay}s before Kafka runs (budget ${Math.round(budget * TIME_FACTOR)}s scaled)`);
      ctx.cluster.kill(pod, "SIGKILL");
      const t0 = Date.now();
      const limit = (budget * TIME_FACTOR + ROOM) * 1000;
      while (!(pod.ready && container.restartCount > before) && Date.now() - t0 < limit) await sleep(1000);
      if (pod.ready) readyAfter = Math.round((Date.now() - t0) / 1000);
      rejoinMs = await waitIsrFull(ctx, topic, 240_000);
    } finally {
      var r = await lt.stop();
    }
    const restarts = container.restartCount - before;
    const ok = restarts === 1 && readyAfter !== null && rejoinMs !== null && r.lost === 0;
    return {
      passed: ok,
      ...loadOutcome(r),
      voters: q0.voters,
      leader: q0.leaderId,
      brokersRegistered: ctx.env.brokers,
      detail:
        `node ${victim} (${pod.name}) killed, its start held ${RECOVERY}s (${delay}s scaled) against a startup budget of ${budget}s (${Math.round(budget * TIME_FACTOR)}s scaled): ` +
        `${restarts} restart${restarts === 1 ? "" : "s"} (1 expected: the kill), ${readyAfter !== null ? `Ready ${readyAfter}s after the kill` : "NOT Ready"}, ` +
        `${rejoinMs !== null ? "ISR full again" : "ISR NOT full"}; ${loadDetail(r)}`,
    };
  },
};
