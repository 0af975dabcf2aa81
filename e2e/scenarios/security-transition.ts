// security-transition: turning security on for a running PLAINTEXT environment, the documented way,
// under load. Step 1 (security with transition: true) rolls every node once, one at a time: the
// PLAINTEXT listener stays (the quorum and the inter-broker traffic keep it, clients may too) and the
// TLS client listener appears. Step 2 (transition: false) must not restart anything: only the
// NetworkPolicy stops admitting clients on 9092.
import { FAST_CLIENT_JVM, toolArgv } from "../kafka/tools.js";
import { change, changeUnderLoad } from "./changes.js";
import { loadDetail, loadOutcome } from "./common.js";
import { lastLines, quorum } from "./kafka.js";
import { adminClientFiles, clientConfig, prepareSecurity, scramClient } from "./security.js";
import type { Context, Outcome, Scenario } from "./types.js";

const USER = { name: "orders-app", secret: "orders-app-kafka" };

export const securityTransition: Scenario = {
  name: "security-transition",
  skip: (env) => (env.security ? "already secured" : env.brokers.length < 3 ? "fewer than 3 brokers: one node's restart is an outage by design" : undefined),
  async run(ctx: Context): Promise<Outcome> {
    const topic = "e2e-transition";
    const {
      load: r,
      error: err,
      seconds: rolledS,
      survivors,
    } = await changeUnderLoad(ctx, topic, [[["security"], { tls: {}, internal: "plaintext", transition: true, users: [USER], superUsers: [USER.name] }]], {
      beforeApply: (next) => prepareSecurity(ctx.cluster, next),
    });
    const rollDetail = `step 1 (transition: true): ${err ? `failed: ${err.message}; ` : ""}every pod replaced: ${survivors.length === 0 ? "yes" : `no (${survivors.join(",")})`} in ${rolledS}s; ${loadDetail(r)}`;
    if (err || survivors.length > 0 || r.lost > 0) return { passed: false, ...loadOutcome(r), detail: rollDetail };

    // The moved client: SCRAM on 9094 (a super user here, so no ACL is needed for the check).
    adminClientFiles(ctx.cluster, ctx.env);
    const sec = ctx.env.security!;
    const password = sec.passwords.get(USER.name)!;
    const moved = clientConfig("moved.properties", scramClient(USER.name, password));
    const argv = toolArgv("console-producer", ["--bootstrap-server", sec.clientBootstrap, "--topic", topic, "--command-config", moved], {
      jvm: FAST_CLIENT_JVM,
    });
    const p = await ctx.cluster.execClient(ctx.client, argv, { input: "moved-client\n", timeoutMs: 90_000 });
    if (p.code !== 0 || /ERROR|Exception/.test(p.stderr))
      return { passed: false, ...loadOutcome(r), detail: `${rollDetail}; a SCRAM client on 9094 failed: ${lastLines(p.stderr, 3)}` };

    // Step 2: the transition ends; no Kafka pod may restart, the NetworkPolicy closes 9092 to clients.
    const kafkaPods = () => ctx.cluster.livePods().filter((x) => x.owner.kind !== "Job");
    const mid = new Map(kafkaPods().map((x) => [x.uid, x.name]));
    const next = await change(ctx, [[["security", "transition"], false]]);
    const live = new Set(kafkaPods().map((x) => x.uid));
    // A pod of step 1 that is gone was restarted or replaced (Deployment pods get new names).
    const restarted = [...mid].filter(([uid]) => !live.has(uid)).map(([, name]) => name);
    const np = next.objects.find((o) => o.kind === "NetworkPolicy");
    const clientPorts = (np?.spec.ingress ?? [])
      .filter((i: any) => i.from?.some((f: any) => f.namespaceSelector))
      .flatMap((i: any) => i.ports.map((x: any) => x.port));
    const q = await quorum(ctx);
    const ok = restarted.length === 0 && clientPorts.join(",") === "9094";
    return {
      passed: ok,
      ...loadOutcome(r),
      voters: q.voters,
      leader: q.leaderId,
      brokersRegistered: ctx.env.brokers,
      detail: `${rollDetail}; a SCRAM client produced on 9094; step 2 (transition: false): ${restarted.length === 0 ? "no pod restarted" : `restarted ${restarted.join(",")}`}, clients' NetworkPolicy ports ${clientPorts.join(",")}`,
    };
  },
};
