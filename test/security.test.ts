// security: the schema's defaults and refusals, what each mode renders (listeners, Certificates,
// the users Job, NetworkPolicy, AppProject kinds), that no secret reaches the tree, and the guards
// of turning security on, off, and removing users.
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import test from "ava";
import { parseConfig } from "../generator/config/load.js";
import { UserError } from "../generator/errors.js";
import { formatProblem } from "../generator/errors.js";
import { refusals, type GuardOptions } from "../generator/guards.js";
import { renderTree } from "../generator/render/render.js";
import { statesFromModel } from "../generator/model/state.js";
import { riskWarnings } from "../generator/review/risks.js";
import { environmentStates } from "../generator/review/state.js";
import { buildModel } from "../generator/model/model.js";
import { parseEnvFile } from "../generator/review/state.js";
import { parseYamlDocuments } from "../generator/yaml-format.js";
import { kustomize, writeTree } from "./support/kustomize.js";
import { FIXTURES } from "./support/paths.js";
import { renderText } from "./support/render.js";

const REPO = "repo: {url: https://github.com/acme/k.git}\nenvironments:\n";
const one = (security: string, extra = "brokers: 3") => `${REPO}  prod: {${extra}, security: ${security}}\n`;
const resolved = (text: string) => parseConfig(text, "kafka-gitops.yaml").environments[0]!.security;

function problems(text: string): string {
  try {
    parseConfig(text, "kafka-gitops.yaml");
    return "";
  } catch (e) {
    if (e instanceof UserError) return e.message;
    throw e;
  }
}

test("schema: defaults are scram clients and internal TLS; a transition defaults internal traffic to plaintext", (t) => {
  t.like(resolved(one("{tls: {}}")), { clients: "scram", internal: "tls", transition: false, users: [], superUsers: [] });
  t.is(resolved(one("{tls: {}}"))?.issuer, undefined);
  t.like(resolved(one("{tls: {}, transition: true}")), { internal: "plaintext", transition: true });
  t.deepEqual(resolved(one("{tls: {issuer: {name: internal-ca}}}"))?.issuer, { kind: "ClusterIssuer", name: "internal-ca" });
  t.deepEqual(resolved(one("{tls: {}, users: [{name: a, secret: s}]}"))?.users, [{ name: "a", secret: "s", key: "password" }]);
  t.is(resolved(`${REPO}  prod: {}\n`), undefined);
});

test("schema: every problem of a security block at once, with its path and the fix", (t) => {
  const msg = problems(
    `${REPO}  a: {security: {clients: none, users: [{name: x, secret: s}]}}\n  b: {security: {tls: {}, transition: true, internal: tls, users: [{name: u, secret: s}, {name: u, secret: t}]}}\n`,
  );
  t.regex(msg, /environments\.a\.security\.tls: is required: write `tls: \{\}`/);
  t.regex(msg, /environments\.a\.security\.users: needs clients: scram or mtls/);
  t.regex(msg, /environments\.b\.security\.internal: must be plaintext during a transition/);
  t.regex(msg, /environments\.b\.security\.users: lists u more than once/);
  t.regex(problems(one("{tls: {}, users: [{name: 'Bad Name', secret: s}]}")), /users\[0\]\.name: must be lower-case letters/);
  t.regex(problems(one("{tls: {}, clients: kerberos}")), /security\.clients/);
  t.regex(
    problems(one("{tls: {}}", "brokers: 3, config: {ssl.keystore.type: JKS, super.users: 'User:x'}")),
    /config\["ssl\.keystore\.type"\]: is managed by `security`/,
  );
  t.regex(
    problems(one("{tls: {}}", "brokers: 3, config: {ssl.keystore.type: JKS, super.users: 'User:x'}")),
    /config\["super\.users"\]: is managed by `security`/,
  );
  t.is(problems(`${REPO}  prod: {config: {super.users: 'User:x'}}\n`), "", "without security the authorizer's keys stay the team's");
});

async function fixtureTree() {
  const text = await readFile(join(FIXTURES, "secure", "kafka-gitops.yaml"), "utf8");
  return renderText(text);
}

const envVars = (tree: ReadonlyMap<string, string>, env: string) => parseEnvFile(tree.get(`overlays/${env}/kafka.env`)!).vars;

test("listeners and settings of each mode: SCRAM, mTLS, internal TLS and plaintext", async (t) => {
  const { tree } = await fixtureTree();
  const scram = envVars(tree, "scram");
  t.is(scram.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP, "CLIENT:SASL_SSL,INTERNAL:SSL,CONTROLLER:SSL");
  t.is(scram.KAFKA_INTER_BROKER_LISTENER_NAME, "INTERNAL");
  t.is(scram.KAFKA_LISTENER_NAME_CLIENT_SASL_ENABLED_MECHANISMS, "SCRAM-SHA-512");
  t.is(scram.KAFKA_LISTENER_NAME_INTERNAL_SSL_CLIENT_AUTH, "required");
  t.is(scram.KAFKA_LISTENER_NAME_CONTROLLER_SSL_CLIENT_AUTH, "required");
  t.is(scram.KAFKA_AUTHORIZER_CLASS_NAME, "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
  t.is(scram.KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND, "false");
  t.is(scram.KAFKA_SUPER_USERS, "User:kafka-scram-node;User:kafka-scram-admin;User:platform-admin");
  t.is(scram.KAFKA_SSL_KEYSTORE_TYPE, "PEM");
  t.is(scram.KAFKA_SSL_KEYSTORE_LOCATION, "/etc/kafka-gitops/tls/tls-combined.pem");
  t.is(scram.PROBE_BROKER_PORT, "9091");

  const mtls = envVars(tree, "mtls");
  t.is(mtls.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP, "CLIENT:SSL,INTERNAL:SSL,CONTROLLER:SSL");
  t.is(mtls.KAFKA_LISTENER_NAME_CLIENT_SSL_CLIENT_AUTH, "required");
  t.is(mtls.KAFKA_LISTENER_NAME_CLIENT_SASL_ENABLED_MECHANISMS, undefined);

  const edge = envVars(tree, "edge");
  t.is(edge.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP, "CLIENT:SASL_SSL,PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
  // Not in the overlay: base/common's PLAINTEXT inter-broker listener is the one it keeps.
  t.is(edge.KAFKA_INTER_BROKER_LISTENER_NAME ?? parseEnvFile(tree.get("base/common/kafka.env")!).vars.KAFKA_INTER_BROKER_LISTENER_NAME, "PLAINTEXT");
  t.true(edge.KAFKA_SUPER_USERS?.endsWith(";User:ANONYMOUS"), "the PLAINTEXT listener's principal is the inter-broker one");
  t.is(edge.PROBE_COMMAND_CONFIG, undefined);

  // No advertised listener names a protocol: the image's start script would then demand keystore passwords.
  for (const [path, text] of tree) if (path.startsWith("overlays/") && path.endsWith(".yaml")) t.false(/(SSL|SASL_\w+):\/\//.test(text), path);
});

test("certificates: the nodes' (wildcard names), the admin's, an own CA or the named issuer, mTLS users'", async (t) => {
  const { tree } = await fixtureTree();
  const docs = (env: string) => parseYamlDocuments(tree.get(`overlays/${env}/security.yaml`)!) as any[];
  const scram = docs("scram");
  const byName = (name: string) => scram.find((d) => d.metadata.name === name);
  t.deepEqual(
    scram.map((d) => `${d.kind}/${d.metadata.name}@${d.metadata.annotations?.["argocd.argoproj.io/sync-wave"] ?? "hook"}`),
    [
      "Issuer/kafka-selfsigned@-2",
      "Certificate/kafka-ca@-2",
      "Issuer/kafka-ca@-1",
      "Certificate/kafka-tls@-1",
      "Certificate/kafka-admin-tls@-1",
      "Job/kafka-users@hook",
    ],
  );
  const nodes = byName("kafka-tls").spec;
  t.is(nodes.commonName, "kafka-scram-node");
  t.true(nodes.dnsNames.includes("*.kafka-headless.kafka-scram.svc"));
  t.true(nodes.dnsNames.includes("kafka-bootstrap.kafka-scram.svc"));
  t.deepEqual(nodes.privateKey, { algorithm: "ECDSA", size: 256, encoding: "PKCS8", rotationPolicy: "Always" });
  t.deepEqual(nodes.additionalOutputFormats, [{ type: "CombinedPEM" }]);
  t.deepEqual(nodes.issuerRef, { group: "cert-manager.io", kind: "Issuer", name: "kafka-ca" });
  const job = scram.find((d) => d.kind === "Job");
  t.is(job.metadata.annotations["argocd.argoproj.io/hook"], "PostSync");
  t.deepEqual(job.spec.template.spec.containers[0].args, ["orders-app", "platform-admin"]);

  const mtls = docs("mtls");
  t.false(
    mtls.some((d) => d.kind === "Issuer" || d.kind === "Job"),
    "a named ClusterIssuer: no own CA; mTLS: no users Job",
  );
  t.true(mtls.every((d) => d.kind !== "Certificate" || d.spec.issuerRef.kind === "ClusterIssuer"));
  const user = mtls.find((d) => d.metadata.labels?.["kafka-gitops/user"] === "billing");
  t.is(user.spec.secretName, "billing-kafka-cert");
  t.is(user.spec.commonName, "billing");
  t.true(mtls.find((d) => d.metadata.name === "kafka-tls").spec.dnsNames.includes("*.kafka-mtls.svc"), "per-broker Services are covered");
});

test("NetworkPolicy follows the listeners; the AppProject permits exactly the new kinds", async (t) => {
  const { tree } = await fixtureTree();
  const np = (env: string) => (parseYamlDocuments(tree.get(`overlays/${env}/network-policy.yaml`)!)[0] as any).spec.ingress;
  t.deepEqual(
    np("scram").map((i: any) => i.ports?.map((p: any) => p.port) ?? "all"),
    ["all", [9094], [9091]],
  );
  t.deepEqual(
    np("edge").map((i: any) => i.ports?.map((p: any) => p.port) ?? "all"),
    ["all", [9094], [9092]],
  );
  const project = (parseYamlDocuments(tree.get("clusters/scram/appprojects.yaml")!) as any[]).find((p) => p.metadata.name === "kafka");
  const kinds = project.spec.namespaceResourceWhitelist.map((k: any) => `${k.group}/${k.kind}`);
  for (const k of ["cert-manager.io/Certificate", "cert-manager.io/Issuer", "batch/Job"]) t.true(kinds.includes(k), k);
  const plain = renderText(`${REPO}  dev: {}\n`).tree;
  const plainKinds = (parseYamlDocuments(plain.get("clusters/dev/appprojects.yaml")!) as any[])
    .flatMap((p) => p.spec.namespaceResourceWhitelist ?? [])
    .map((k: any) => k.kind);
  t.false(plainKinds.some((k: string) => ["Certificate", "Issuer", "Job"].includes(k)));
});

test("no secret value anywhere in the tree: no key, no certificate, no password", async (t) => {
  const { tree } = await fixtureTree();
  for (const [path, text] of tree) {
    t.false(/BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)/.test(text), path);
    t.false(/password="[^$]/.test(text), `${path}: a literal password`);
    t.false(/kind: Secret\b/.test(text), `${path}: a Secret object`);
  }
  // The JAAS config is the login module alone: the broker checks SCRAM credentials from its metadata.
  t.is(
    envVars(tree, "scram").KAFKA_LISTENER_NAME_CLIENT_SCRAM___SHA___512_SASL_JAAS_CONFIG,
    "org.apache.kafka.common.security.scram.ScramLoginModule required;",
  );
});

test("every secured overlay renders with kustomize: the sidecar, the TLS volume and the listeners in each pod", async (t) => {
  const { tree } = await fixtureTree();
  const dir = await writeTree(tree);
  try {
    for (const env of ["scram", "mtls", "dedicated", "edge"]) {
      const objects = await kustomize(join(dir, "overlays", env));
      for (const w of objects.filter((o) => o.kind === "StatefulSet" || o.kind === "Deployment")) {
        const spec = w.spec.template.spec;
        t.deepEqual(
          spec.containers.map((c: any) => c.name),
          ["kafka", "tls-reload"],
          `${env} ${w.metadata.name}`,
        );
        t.true(spec.volumes.some((v: any) => v.secret?.secretName === "kafka-tls"));
        const kafkaEnv = spec.containers[0].env;
        const names = kafkaEnv.map((e: any) => e.name);
        const listeners = kafkaEnv.find((e: any) => e.name === "KAFKA_LISTENERS").value;
        t.regex(listeners, /CLIENT:\/\/:9094|CONTROLLER:\/\/:9093/, `${env} ${w.metadata.name}`);
        // $(POD_NAME) must be defined before the advertised listeners refer to it.
        const adv = names.indexOf("KAFKA_ADVERTISED_LISTENERS");
        if (adv >= 0 && w.kind === "StatefulSet") t.true(names.indexOf("POD_NAME") < adv && names.indexOf("POD_NAMESPACE") < adv, `${env} ${w.metadata.name}`);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

const NONE: GuardOptions = { allowScaleDown: false, allowRemove: [] };
const committed = (text: string) => environmentStates(renderText(text).tree);
const fresh = (text: string) => statesFromModel(renderText(text).model);
const refused = (before: string, after: string, opts = NONE) => refusals(riskWarnings(committed(before), fresh(after)), opts).map(formatProblem);
const PLAIN = `${REPO}  prod: {brokers: 3}\n`;

test("guards: security on a running cluster only through the transition; off, or a protocol change, needs its flag", (t) => {
  t.regex(
    refused(PLAIN, one("{tls: {}}")).join("\n"),
    /environments\.prod\.security: refused: .*quorum and inter-broker listeners switch protocol.*--allow-security-change prod\./,
  );
  t.deepEqual(refused(PLAIN, one("{tls: {}}"), { ...NONE, allowSecurityChange: ["prod"] }), []);
  t.deepEqual(refused(PLAIN, one("{tls: {}, transition: true}")), [], "the documented way is a warning, not a refusal");
  t.true(riskWarnings(committed(PLAIN), fresh(one("{tls: {}, transition: true}"))).some((w) => w.kind === "security-enabled"));
  t.deepEqual(refused(one("{tls: {}, transition: true}"), one("{tls: {}, internal: plaintext}")), [], "ending the transition");
  t.regex(
    refused(one("{tls: {}, transition: true}"), one("{tls: {}}")).join("\n"),
    /Keep security\.internal: plaintext for prod \(write it explicitly/,
    "ending the transition without writing internal: plaintext would move the quorum to TLS",
  );
  t.regex(refused(one("{tls: {}}"), PLAIN).join("\n"), /cut off.*--allow-security-change prod/);
  t.regex(refused(one("{tls: {}}"), one("{tls: {}, clients: mtls}")).join("\n"), /--allow-security-change prod/);
  t.deepEqual(refused(PLAIN, `${REPO}  prod: {brokers: 3}\n  new: {security: {tls: {}}}\n`), [], "a new environment starts secured");
});

test("guards: a removed user needs --allow-remove-user NAME, and then the users Job deletes its credential", (t) => {
  const before = one("{tls: {}, users: [{name: a, secret: sa}, {name: b, secret: sb}]}");
  const after = one("{tls: {}, users: [{name: a, secret: sa}]}");
  t.regex(refused(before, after).join("\n"), /environments\.prod\.security\.users: refused: user b is no longer listed.*pass --allow-remove-user b\./);
  t.deepEqual(refused(before, after, { ...NONE, allowRemoveUser: ["b"] }), []);
  t.deepEqual(refused(before, after, { ...NONE, allowRemoveUser: ["prod"] }).length, 1, "the flag names the user, not the environment");
  const model = buildModel(parseConfig(after, "kafka-gitops.yaml"));
  const job = (removeUsers: string[]) =>
    (parseYamlDocuments(renderTree(model, { removeUsers }).get("overlays/prod/security.yaml")!) as any[]).find((d) => d.kind === "Job").spec.template.spec
      .containers[0];
  t.deepEqual(
    job(["b"]).env.find((e: any) => e.name === "DELETE_USERS"),
    { name: "DELETE_USERS", value: "b" },
  );
  t.is(
    job([]).env.find((e: any) => e.name === "DELETE_USERS"),
    undefined,
  );
  t.deepEqual(job(["a"]).args, ["a"], "a listed user is never deleted");
});
