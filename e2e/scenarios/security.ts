// security: what `security` promises, on real Kafka and real TLS. Before the first sync the harness
// does what the platform team does (provide a named issuer, create the users' password Secrets);
// cert-manager (e2e/runner/cert-manager.ts) issues the certificates. The scenario then checks every
// promise with Kafka's own clients: who gets in, who is refused, and that a renewed certificate is
// served without a restart.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { issueLeaf, type KeyPair, makeCa } from "../runner/cert-manager.js";
import type { Cluster } from "../runner/cluster.js";
import { STATE_DIR } from "../runner/net.js";
import { imageRoot } from "../kafka/paths.js";
import { FAST_CLIENT_JVM, toolArgv } from "../kafka/tools.js";
import { createTopic } from "./common.js";
import type { EnvUnderTest } from "./environment.js";
import { lastLines, sleep } from "./kafka.js";
import type { Context, Outcome, Scenario } from "./types.js";

/** Where client containers see the files below (Cluster.clientMounts). */
export const CLIENT_FILES = "/etc/kgo-e2e";
const hostDir = () => join(STATE_DIR, "client-files");

const secretText = (cluster: Cluster, ns: string, name: string, key: string): string | undefined => {
  const v = cluster.objects.get(`Secret/${ns}/${name}`)?.data?.[key];
  return v === undefined ? undefined : Buffer.from(v, "base64").toString("utf8");
};

/** The team's part before the first sync: a named issuer exists, every SCRAM user's Secret holds a password. */
export const teamIssuers = new Map<string, KeyPair>();
export async function prepareSecurity(cluster: Cluster, env: EnvUnderTest): Promise<void> {
  const sec = env.security;
  if (!sec) return;
  if (sec.externalIssuer) {
    const ca =
      sec.externalIssuer.kind === "ClusterIssuer"
        ? await cluster.certManager.provideClusterIssuer(sec.externalIssuer.name)
        : await cluster.certManager.provideIssuer(env.namespace, sec.externalIssuer.name);
    teamIssuers.set(env.name, ca);
  }
  if (sec.clients === "scram")
    for (const u of sec.users) {
      // Hex: no character kafka-configs' bracket syntax would trip over.
      const password = randomBytes(12).toString("hex");
      sec.passwords.set(u.name, password);
      cluster.createSecret(env.namespace, u.secret, { password });
    }
}

/** After the sync: the harness's admin config (the admin certificate, as the users Job uses it) for its own tools. */
export function adminClientFiles(cluster: Cluster, env: EnvUnderTest): void {
  const sec = env.security;
  if (!sec) return;
  const dir = hostDir();
  mkdirSync(dir, { recursive: true });
  const ns = env.namespace;
  const { kafkaName } = sec;
  const combined = secretText(cluster, ns, `${kafkaName}-admin-tls`, "tls-combined.pem");
  const ca = secretText(cluster, ns, `${kafkaName}-tls`, "ca.crt");
  if (!combined || !ca) throw new Error(`security: the admin or node certificate Secret of ${ns} was not issued`);
  writeFileSync(join(dir, "admin.pem"), combined);
  writeFileSync(join(dir, "ca.crt"), ca);
  const tls = pemClient(`${CLIENT_FILES}/admin.pem`);
  writeFileSync(join(dir, "admin.properties"), sec.internal === "tls" ? tls : "");
  writeFileSync(
    join(dir, "producer.properties"),
    // The load's own producer settings (acks=all, idempotence), plus the admin's TLS.
    `${readFileSync(join(imageRoot(), "opt/kafka/config/e2e-verifiable-producer.properties"), "utf8")}\n${sec.internal === "tls" ? tls : ""}`,
  );
  if (!cluster.clientMounts.some((m) => m.dst === CLIENT_FILES)) cluster.clientMounts.push({ src: dir, dst: CLIENT_FILES });
  sec.adminConfig = `${CLIENT_FILES}/admin.properties`;
  sec.producerConfig = `${CLIENT_FILES}/producer.properties`;
}

function pemClient(keystore: string | undefined, protocol = "SSL"): string {
  return [
    `security.protocol=${protocol}`,
    ...(keystore ? ["ssl.keystore.type=PEM", `ssl.keystore.location=${keystore}`] : []),
    "ssl.truststore.type=PEM",
    `ssl.truststore.location=${CLIENT_FILES}/ca.crt`,
    "",
  ].join("\n");
}

export const scramClient = (user: string, password: string) =>
  `${pemClient(undefined, "SASL_SSL")}sasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${user}" password="${password}";\n`;

/** Writes a client config into the shared folder; returns its path inside client containers. */
export function clientConfig(name: string, text: string): string {
  writeFileSync(join(hostDir(), name), text);
  return `${CLIENT_FILES}/${name}`;
}

interface Attempt {
  ok: boolean;
  why: string;
  /** Everything the client printed. */
  output: string;
}

/** One produce of one record with a client config, then (when asked) one consume: what a client team would try first. */
async function produce(ctx: Context, bootstrap: string, config: string, topic: string, value: string): Promise<Attempt> {
  const argv = toolArgv(
    "console-producer",
    [
      "--bootstrap-server",
      bootstrap,
      "--topic",
      topic,
      "--command-config",
      config,
      "--producer-property",
      "max.block.ms=15000",
      "--producer-property",
      "delivery.timeout.ms=20000",
      "--producer-property",
      "request.timeout.ms=10000",
    ],
    { jvm: FAST_CLIENT_JVM },
  );
  const r = await ctx.cluster.execClient(ctx.client, argv, { input: `${value}\n`, timeoutMs: 90_000 });
  const err = r.stderr + r.stdout;
  ctx.log(`security: produce with ${config} to ${bootstrap}: exit ${r.code}: ${lastLines(err, 3)}`);
  const failed = r.code !== 0 || /ERROR|Exception/.test(err);
  return {
    ok: !failed,
    why: lastLines(
      err
        .split("\n")
        .filter((l) => /Exception|ERROR|failed/i.test(l))
        .join("\n") || err,
      2,
    ),
    output: err,
  };
}

async function consume(ctx: Context, bootstrap: string, config: string, topic: string, group: string, expect: string): Promise<Attempt> {
  const argv = toolArgv(
    "console-consumer",
    [
      "--bootstrap-server",
      bootstrap,
      "--topic",
      topic,
      "--group",
      group,
      "--from-beginning",
      "--max-messages",
      "1",
      "--timeout-ms",
      "30000",
      "--command-config",
      config,
    ],
    { jvm: FAST_CLIENT_JVM },
  );
  const r = await ctx.cluster.execClient(ctx.client, argv, { timeoutMs: 90_000 });
  return { ok: r.stdout.split("\n").includes(expect), why: lastLines(r.stderr || r.stdout, 2), output: r.stdout + r.stderr };
}

async function acl(ctx: Context, principal: string, topic: string): Promise<void> {
  const argv = toolArgv(
    "acls",
    [
      "--bootstrap-server",
      ctx.env.bootstrap,
      ...(ctx.env.security?.internal === "tls" ? ["--command-config", ctx.env.security.adminConfig!] : []),
      "--add",
      "--allow-principal",
      `User:${principal}`,
      "--operation",
      "All",
      "--topic",
      topic,
      "--group",
      "*",
    ],
    { jvm: FAST_CLIENT_JVM },
  );
  const r = await ctx.cluster.execClient(ctx.client, argv, { timeoutMs: 90_000 });
  if (r.code !== 0) throw new Error(`kafka-acls --add for ${principal} failed: ${lastLines(r.stderr || r.stdout, 3)}`);
}

/** The serial of the certificate a listener serves, read with openssl from the client namespace. */
async function servedSerial(ctx: Context, hostPort: string): Promise<string | undefined> {
  const r = await ctx.cluster.execClient(
    ctx.client,
    ["bash", "-c", `echo | timeout 10 openssl s_client -connect "$0" -servername "\${0%:*}" 2>/dev/null | openssl x509 -noout -serial`, hostPort],
    { timeoutMs: 30_000 },
  );
  return /serial=(\w+)/.exec(r.stdout)?.[1];
}

/** What a client prints when the broker drops a connection that does not speak the listener's protocol. */
const DISCONNECTED = /disconnected|Disconnected|TimeoutException/;
const HANDSHAKE = /SslAuthenticationException|SSL handshake failed|handshake/i;
const DENIED = /TopicAuthorizationException|Topic authorization failed|Not authorized/;

export const security: Scenario = {
  name: "security",
  skip: (env) => (env.security ? undefined : "no `security` in this environment"),
  async run(ctx: Context): Promise<Outcome> {
    const sec = ctx.env.security!;
    const topic = "e2e-secure";
    await createTopic(ctx, topic, 1);
    const results: string[] = [];
    const fail = (what: string, a: Attempt): Outcome => ({ passed: false, detail: `${what}: ${a.why || "no detail"}; checked so far: ${results.join("; ")}` });
    // A refusal counts only for its own reason (a client that cannot even start is no proof of anything).
    const expect = async (what: string, shouldWork: boolean, attempt: Promise<Attempt>, because?: RegExp) => {
      const a = await attempt;
      if (a.ok !== shouldWork) return fail(`${what} ${shouldWork ? "was refused" : "was let in"}`, a);
      if (!shouldWork && because && !because.test(a.output)) return fail(`${what} was refused for another reason than ${because}`, a);
      results.push(`${what}: ${shouldWork ? "ok" : "refused"}`);
      return undefined;
    };
    const client = sec.clientBootstrap;
    const caDir = join(hostDir(), "foreign");
    const foreign = await makeCa(caDir, "not-this-cluster");
    const stranger = await issueLeaf(foreign, { cn: sec.superUsers[0] ?? "stranger", clientAuth: true });
    writeFileSync(join(hostDir(), "foreign.pem"), stranger.keyPem + stranger.certPem);
    const foreignConfig = clientConfig("foreign.properties", pemClient(`${CLIENT_FILES}/foreign.pem`));
    const plaintext = clientConfig("plaintext.properties", "security.protocol=PLAINTEXT\n");
    const anonymousTls = clientConfig("anonymous-tls.properties", pemClient(undefined));

    let r: Outcome | undefined;
    // Refused at the door: PLAINTEXT on the TLS port, TLS without credentials, a certificate from another CA.
    r = await expect("PLAINTEXT client on the client port", false, produce(ctx, client, plaintext, topic, "x"), DISCONNECTED);
    if (r) return r;
    if (sec.clients !== "none") {
      r = await expect(
        "TLS client without credentials",
        false,
        produce(ctx, client, anonymousTls, topic, "x"),
        sec.clients === "mtls" ? HANDSHAKE : DISCONNECTED,
      );
      if (r) return r;
    }
    const internalHost = ctx.env.bootstrap;
    if (sec.internal === "tls") {
      r = await expect("certificate of another CA on the inter-broker listener", false, produce(ctx, internalHost, foreignConfig, topic, "x"), HANDSHAKE);
      if (r) return r;
    }
    if (sec.clients === "scram") {
      const user = sec.users.find((u) => !sec.superUsers.includes(u.name));
      const superUser = sec.users.find((u) => sec.superUsers.includes(u.name));
      if (!user) return { passed: false, detail: "the environment lists no SCRAM user that is not a super user" };
      const good = clientConfig(`${user.name}.properties`, scramClient(user.name, sec.passwords.get(user.name)!));
      const wrong = clientConfig(`${user.name}-wrong.properties`, scramClient(user.name, "not-the-password"));
      r = await expect("SCRAM with a wrong password", false, produce(ctx, client, wrong, topic, "x"), /SaslAuthenticationException|invalid credentials/);
      if (r) return r;
      r = await expect(`SCRAM user ${user.name} without an ACL`, false, produce(ctx, client, good, topic, "x"), DENIED);
      if (r) return r;
      if (superUser) {
        const su = clientConfig(`${superUser.name}.properties`, scramClient(superUser.name, sec.passwords.get(superUser.name)!));
        r = await expect(`super user ${superUser.name} without an ACL`, true, produce(ctx, client, su, topic, "from-super"));
        if (r) return r;
      }
      await acl(ctx, user.name, topic);
      await sleep(2000);
      r = await expect(`SCRAM user ${user.name} with an ACL produces`, true, produce(ctx, client, good, topic, "from-user"));
      if (r) return r;
      r = await expect(
        `SCRAM user ${user.name} with an ACL consumes`,
        true,
        consume(ctx, client, good, topic, "e2e-secure", superUser ? "from-super" : "from-user"),
      );
      if (r) return r;
    }
    if (sec.clients === "mtls") {
      const user = sec.users[0];
      if (!user) return { passed: false, detail: "the environment lists no mTLS user" };
      const combined = secretText(ctx.cluster, ctx.env.namespace, user.secret, "tls-combined.pem");
      if (!combined) return { passed: false, detail: `cert-manager wrote no certificate for ${user.name} into ${user.secret}` };
      writeFileSync(join(hostDir(), `${user.name}.pem`), combined);
      const good = clientConfig(`${user.name}.properties`, pemClient(`${CLIENT_FILES}/${user.name}.pem`));
      r = await expect("certificate of another CA on the client port", false, produce(ctx, client, foreignConfig, topic, "x"), HANDSHAKE);
      if (r) return r;
      r = await expect(`mTLS user ${user.name} without an ACL`, false, produce(ctx, client, good, topic, "x"), DENIED);
      if (r) return r;
      await acl(ctx, user.name, topic);
      await sleep(2000);
      r = await expect(`mTLS user ${user.name} with an ACL produces`, true, produce(ctx, client, good, topic, "from-user"));
      if (r) return r;
      r = await expect(`mTLS user ${user.name} with an ACL consumes`, true, consume(ctx, client, good, topic, "e2e-secure", "from-user"));
      if (r) return r;
    }

    // Renewal: cert-manager writes a new key and certificate; the reloader makes every listener serve it, no restart.
    const { kafkaName } = sec;
    const restartsBefore = ctx.cluster.livePods().reduce((n, p) => n + p.containers.reduce((m, c) => m + c.restartCount, 0), 0);
    // Every listener that serves the certificate: clients', inter-broker, and each voter's controller listener.
    const voterHosts =
      sec.internal === "tls"
        ? (ctx.env.objects.find((o) => o.kind === "ConfigMap" && o.data?.KAFKA_CONTROLLER_QUORUM_VOTERS)?.data?.KAFKA_CONTROLLER_QUORUM_VOTERS ?? "")
            .split(",")
            .map((v: string) => v.split("@")[1]!)
        : [];
    const hosts = [client, ...(sec.internal === "tls" ? [internalHost] : []), ...voterHosts];
    const before = await Promise.all(hosts.map((h) => servedSerial(ctx, h)));
    await ctx.cluster.certManager.renew(ctx.env.namespace, `${kafkaName}-tls`);
    const issued = secretText(ctx.cluster, ctx.env.namespace, `${kafkaName}-tls`, "tls.crt");
    const t0 = Date.now();
    let after: (string | undefined)[] = before;
    while (Date.now() - t0 < 240_000) {
      await sleep(10_000);
      after = await Promise.all(hosts.map((h) => servedSerial(ctx, h)));
      if (after.every((s, i) => s !== undefined && s !== before[i])) break;
    }
    if (!after.every((s, i) => s !== undefined && s !== before[i]))
      return { passed: false, detail: `renewal: served serials ${JSON.stringify(after)} still ${JSON.stringify(before)} after 240 s; ${results.join("; ")}` };
    const restartsAfter = ctx.cluster.livePods().reduce((n, p) => n + p.containers.reduce((m, c) => m + c.restartCount, 0), 0);
    if (restartsAfter !== restartsBefore) return { passed: false, detail: `renewal restarted containers (${restartsBefore} -> ${restartsAfter})` };
    results.push(`renewal served in ${Math.round((Date.now() - t0) / 1000)} s without a restart${issued ? "" : " (no tls.crt?)"}`);
    return { passed: true, detail: results.join("; ") };
  },
};
