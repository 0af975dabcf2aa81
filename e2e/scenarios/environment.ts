// One environment under test: its rendered objects and the facts the scenarios check against.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { renderOverlay, type KObject } from "../runner/objects.js";
import { must } from "../runner/sh.js";

export interface EnvUnderTest {
  dir: string;
  name: string;
  objects: KObject[];
  namespace: string;
  image: string;
  bootstrap: string;
  clusterId: string;
  voters: number[];
  brokers: number[];
  offsetsRf: number;
  minIsr: number;
  workload: "statefulset" | "deployment-per-broker";
  /** broker.rack of each broker that sets it (KAFKA_BROKER_RACK), by node id; empty without rack awareness. */
  racks: Record<number, string>;
  readme: string;
  /** With `security`: what the team and its clients see; `bootstrap` above is then the harness's admin address. */
  security?: SecurityUnderTest;
}

export interface SecurityUnderTest {
  /** kafka.name: the prefix of the Services and certificate Secrets. */
  kafkaName: string;
  clients: "scram" | "mtls" | "none";
  internal: "tls" | "plaintext";
  /** The clients' bootstrap address (port 9094), from the README. */
  clientBootstrap: string;
  /** SCRAM users (from the users Job) or mTLS users (their Certificates): name and Secret. */
  users: Array<{ name: string; secret: string }>;
  superUsers: string[];
  /** An issuer the team provides (not generated in the overlay). */
  externalIssuer?: { kind: string; name: string };
  /** Filled by prepareSecurity: the passwords the harness put into the users' Secrets, and the harness's client configs. */
  passwords: Map<string, string>;
  adminConfig?: string;
  producerConfig?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function envValue(container: any, name: string): string | undefined {
  return container.env?.find((e: { name: string }) => e.name === name)?.value;
}

export function describeEnv(dir: string, name: string, objects: KObject[]): EnvUnderTest {
  const ns = objects.find((o) => o.kind === "Namespace")?.metadata.name;
  const cm = objects.find((o) => o.kind === "ConfigMap" && o.data?.CLUSTER_ID);
  if (!ns || !cm?.data) throw new Error(`overlays/${name}: no Namespace or Kafka ConfigMap in the rendered objects`);
  const voters = (cm.data.KAFKA_CONTROLLER_QUORUM_VOTERS ?? "").split(",").map((v) => Number(v.split("@")[0]));
  const brokers: number[] = [];
  const racks: Record<number, string> = {};
  let image = "";
  let workload: EnvUnderTest["workload"] = "statefulset";
  for (const o of objects) {
    const c = o.spec?.template?.spec?.containers?.[0];
    if (!c) continue;
    image = c.image;
    const roles = envValue(c, "KAFKA_PROCESS_ROLES") ?? "";
    if (o.kind === "StatefulSet") {
      const start = o.spec.ordinals?.start ?? 0;
      if (roles.includes("broker")) for (let i = 0; i < (o.spec.replicas ?? 1); i++) brokers.push(start + i);
    } else if (o.kind === "Deployment") {
      workload = "deployment-per-broker";
      if (roles.includes("broker")) brokers.push(Number(envValue(c, "KAFKA_NODE_ID")));
      const rack = envValue(c, "KAFKA_BROKER_RACK");
      if (rack !== undefined && roles.includes("broker")) racks[Number(envValue(c, "KAFKA_NODE_ID"))] = rack;
    }
  }
  const readme = readFileSync(join(dir, "overlays", name, "README.md"), "utf8");
  const readmeBootstrap = /bootstrap from\s+(\S+)/.exec(readme)?.[1];
  if (!readmeBootstrap) throw new Error(`overlays/${name}/README.md: no bootstrap address`);
  const security = securityOf(objects, cm.data, readmeBootstrap);
  // The harness's own tools act as the admin on the inter-broker listener (its certificate is a super user).
  const bootstrap = security ? `${security.kafkaName}-headless.${ns}.svc:${security.internal === "tls" ? 9091 : 9092}` : readmeBootstrap;
  return {
    dir,
    name,
    objects,
    namespace: ns,
    image,
    bootstrap,
    clusterId: cm.data.CLUSTER_ID as string,
    voters: voters.sort((a, b) => a - b),
    brokers: brokers.sort((a, b) => a - b),
    offsetsRf: Number(cm.data.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR ?? "1"),
    minIsr: Number(cm.data.KAFKA_MIN_INSYNC_REPLICAS ?? "1"),
    workload,
    racks,
    readme,
    ...(security && { security }),
  };
}

function securityOf(objects: KObject[], data: Record<string, string>, clientBootstrap: string): SecurityUnderTest | undefined {
  const map = data.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP ?? "";
  if (!map.includes("CLIENT:")) return undefined;
  const clients = map.includes("CLIENT:SASL_SSL") ? "scram" : data.KAFKA_LISTENER_NAME_CLIENT_SSL_CLIENT_AUTH === "required" ? "mtls" : "none";
  const internal = map.includes("INTERNAL:SSL") ? "tls" : "plaintext";
  const users: Array<{ name: string; secret: string }> = [];
  const job = objects.find((o) => o.kind === "Job");
  if (job) {
    const c = job.spec.template.spec.containers[0];
    for (const name of c.args ?? []) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const mount = c.volumeMounts.find((m: any) => m.mountPath.endsWith(`/${name}`));
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const v = job.spec.template.spec.volumes.find((x: any) => x.name === mount?.name);
      users.push({ name, secret: v?.secret.secretName });
    }
  }
  for (const o of objects)
    if (o.kind === "Certificate" && o.metadata.labels?.["kafka-gitops/user"])
      users.push({ name: o.metadata.labels["kafka-gitops/user"], secret: o.spec.secretName });
  const issuers = new Set(objects.filter((o) => o.kind === "Issuer").map((o) => o.metadata.name));
  const ref = objects.find((o) => o.kind === "Certificate" && !o.spec.isCA)?.spec.issuerRef;
  const superUsers = (data.KAFKA_SUPER_USERS ?? "").split(";").map((u) => u.replace(/^User:/, ""));
  return {
    kafkaName: objects.find((o) => o.kind === "ConfigMap" && o.data?.CLUSTER_ID)?.metadata.labels?.["app.kubernetes.io/instance"] ?? "kafka",
    clients,
    internal,
    clientBootstrap,
    users,
    superUsers,
    ...(ref && (ref.kind === "ClusterIssuer" || !issuers.has(ref.name)) && { externalIssuer: { kind: ref.kind, name: ref.name } }),
    passwords: new Map(),
  };
}

export async function loadEnv(dir: string, name: string): Promise<EnvUnderTest> {
  return describeEnv(dir, name, await renderOverlay(dir, name));
}

const GENERATOR_CLI = new URL("../../generator/cli.js", import.meta.url).pathname;

/**
 * A temporary copy of the repository whose config is edited and re-scaffolded, as a person
 * would do in a pull request; the scenario then applies what the edited overlay renders.
 */
export class ConfigCopy {
  readonly dir: string;
  constructor(src: string) {
    this.dir = mkdtempSync(join(tmpdir(), "kgo-e2e-copy-"));
    for (const f of ["kafka-gitops.yaml", "base", "overlays", "clusters"]) cpSync(join(src, f), join(this.dir, f), { recursive: true });
  }

  /** Sets `path` (e.g. ["environments","dev","brokers"]) in the config, keeping its comments. */
  set(path: (string | number)[], value: unknown): void {
    const file = join(this.dir, "kafka-gitops.yaml");
    const doc = parseDocument(readFileSync(file, "utf8"));
    doc.setIn(path, value);
    writeFileSync(file, doc.toString());
  }

  get(path: (string | number)[]): unknown {
    return parseDocument(readFileSync(join(this.dir, "kafka-gitops.yaml"), "utf8")).getIn(path);
  }

  /** `flags`: the guard flags a change needs, as an operator would pass them (e.g. --allow-workload-switch ENV). */
  async scaffold(flags: string[] = []): Promise<void> {
    await must([process.execPath, GENERATOR_CLI, "scaffold", "--dir", this.dir, "--no-commit", ...flags]);
  }

  /** `kafka-gitops replication-plan` on the copy's config, as the scaffold's advice tells a person to run it. */
  async replicationPlan(env: string, topic: string, partitions: number, factor: number): Promise<string> {
    return must([
      process.execPath,
      GENERATOR_CLI,
      "replication-plan",
      "--dir",
      this.dir,
      "--env",
      env,
      "--topic",
      topic,
      "--partitions",
      String(partitions),
      "--factor",
      String(factor),
    ]);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
