// boot: every pod Ready by its own probe (the runner waited for that), the quorum has exactly the
// expected voters and a leader, every broker is registered and unfenced, the internal topics exist
// with the configured replication factor, the controllers' advertised endpoints resolve, and (when pods set
// broker.rack) every broker registered with its rack and each partition of an RF-3 topic spans distinct racks.
import { adminConfigArgs, BIN, brokers, call, lastLines, mainClassArgv, quorum, sleep } from "./kafka.js";
import { describeTopicsCall, parseTopicDescribe } from "../kafka/tools.js";
import { rackProblems } from "./racks.js";
import type { Context, Outcome, Scenario } from "./types.js";

const same = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export async function clusterFacts(ctx: Context) {
  const q = await quorum(ctx);
  const b = await brokers(ctx);
  return { q, b, registered: b.registered.filter((id) => !b.fenced.includes(id)) };
}

export const boot: Scenario = {
  name: "boot",
  async run(ctx: Context): Promise<Outcome> {
    const { env, cluster } = ctx;
    const problems: string[] = [];
    const notReady = cluster
      .livePods()
      // A finished Job's pod (the users Job) is done, not unready.
      .filter((p) => !p.ready && p.phase !== "Succeeded")
      .map((p) => p.name);
    if (notReady.length) problems.push(`not Ready: ${notReady.join(", ")}`);
    const { q, b, registered } = await clusterFacts(ctx);
    if (!same(q.voters, env.voters)) problems.push(`voters ${JSON.stringify(q.voters)}, expected ${JSON.stringify(env.voters)}`);
    if (!q.voters.includes(q.leaderId)) problems.push(`leader ${q.leaderId} is not a voter`);
    if (!same(registered, env.brokers))
      problems.push(`unfenced brokers ${JSON.stringify(registered)} (registered ${JSON.stringify(b.registered)}), expected ${JSON.stringify(env.brokers)}`);

    // __consumer_offsets is created on the first coordinator lookup: describe a group to trigger it.
    await cluster.execClient(
      ctx.client,
      mainClassArgv("org.apache.kafka.tools.consumer.group.ConsumerGroupCommand", [
        "--bootstrap-server",
        env.bootstrap,
        ...adminConfigArgs(ctx),
        "--describe",
        "--group",
        "e2e-boot",
      ]),
      { timeoutMs: 120_000 },
    );
    let offsetsRf = 0;
    for (let i = 0; i < 10 && offsetsRf === 0; i++) {
      const r = await call(ctx, describeTopicsCall(env.bootstrap, "__consumer_offsets"));
      if (r.code === 0) offsetsRf = parseTopicDescribe(r.stdout).find((t) => t.topic === "__consumer_offsets")?.replicationFactor ?? 0;
      else await sleep(2000);
    }
    if (offsetsRf !== env.offsetsRf) problems.push(`__consumer_offsets replication factor ${offsetsRf}, expected ${env.offsetsRf}`);

    // Controllers' advertised endpoints, as a tool with --bootstrap-controller sees them, from a Kafka pod
    // (the NetworkPolicy lets only Kafka pods reach port 9093).
    const voterHosts =
      env.objects
        .find((o) => o.kind === "ConfigMap" && o.data?.KAFKA_CONTROLLER_QUORUM_VOTERS)
        ?.data?.KAFKA_CONTROLLER_QUORUM_VOTERS?.split(",")
        .map((v) => v.split("@")[1]) ?? [];
    const kafkaPod = cluster.livePods().find((p) => p.ready && p.namespace === env.namespace);
    if (kafkaPod && voterHosts.length) {
      const r = await cluster.exec(
        kafkaPod,
        [`${BIN}/kafka-metadata-quorum.sh`, "--bootstrap-controller", voterHosts.join(","), ...podClientConfig(ctx), "describe", "--status"],
        {
          timeoutMs: 120_000,
        },
      );
      if (r.code !== 0) problems.push(`kafka-metadata-quorum --bootstrap-controller from ${kafkaPod.name} failed: ${lastLines(r.stderr || r.stdout, 3)}`);
      const eps = await cluster.exec(
        kafkaPod,
        [`${BIN}/kafka-cluster.sh`, "list-endpoints", "--bootstrap-controller", voterHosts.join(","), ...podClientConfig(ctx)],
        {
          timeoutMs: 120_000,
        },
      );
      for (const line of eps.stdout.split("\n").slice(1)) {
        const host = line.trim().split(/\s+/)[1];
        if (!host) continue;
        const g = await cluster.exec(kafkaPod, ["getent", "hosts", host]);
        if (g.code !== 0) problems.push(`controller endpoint host ${host} (advertised) does not resolve`);
      }
    }
    const racks = Object.keys(env.racks).length ? await rackProblems(ctx) : undefined;
    if (racks) problems.push(...racks.problems);
    return {
      passed: problems.length === 0,
      nodes: cluster.livePods().filter((p) => p.namespace === env.namespace).length,
      voters: q.voters,
      leader: q.leaderId,
      brokersRegistered: registered,
      detail: problems.length
        ? problems.join("; ")
        : `voters ${JSON.stringify(q.voters)} leader ${q.leaderId}, brokers ${JSON.stringify(registered)}, __consumer_offsets RF ${offsetsRf}${racks ? `; ${racks.detail}` : ""}`,
    };
  },
};

/** Inside a Kafka pod with internal TLS, tools present the pod's own certificate (base/security's local client config). */
function podClientConfig(ctx: Context): string[] {
  return ctx.env.security?.internal === "tls" ? ["--command-config", "/opt/kafka-gitops-security/local-client.properties"] : [];
}
