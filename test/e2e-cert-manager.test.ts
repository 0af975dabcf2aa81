// The runner's cert-manager: what it writes into a Certificate's Secret must be what cert-manager
// writes (keys, encodings, chain), or a scenario would pass on a layout no real cluster produces.
// Also the kubelet's way of putting a Secret into a pod's volume (the atomic symlink swap), which
// decides whether a renewed certificate reaches a running broker.
import test from "ava";
import { lstatSync, readFileSync, readlinkSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  CertManager,
  type CertManagerHost,
  certInfo,
  certManagerHealth,
  issueLeaf,
  makeCa,
  pemToDer,
  parseDuration,
  splitPem,
} from "../e2e/runner/cert-manager.js";
import { key, type KObject } from "../e2e/runner/objects.js";
import { Pod, type PodHost, writeAtomic } from "../e2e/runner/pod.js";
import { run } from "../e2e/runner/sh.js";
import { tempDir } from "./support/temp.js";

/** An object store as the Cluster gives cert-manager (no pods, no network). */
function store(): { host: CertManagerHost; objects: Map<string, KObject>; cm: CertManager } {
  const objects = new Map<string, KObject>();
  const host: CertManagerHost = {
    get: (kind, ns, name) => objects.get(`${kind}/${ns}/${name}`),
    list: (kind) => [...objects.values()].filter((o) => o.kind === kind),
    put: (o) => void objects.set(key(o), o),
    log: () => undefined,
  };
  return { host, objects, cm: new CertManager(host) };
}

const certificate = (name: string, spec: Record<string, unknown>, ns = "kafka"): KObject => ({
  apiVersion: "cert-manager.io/v1",
  kind: "Certificate",
  metadata: { name, namespace: ns },
  spec: { secretName: `${name}-tls`, ...spec },
});

const issuer = (name: string, spec: Record<string, unknown>, ns = "kafka"): KObject => ({
  apiVersion: "cert-manager.io/v1",
  kind: "Issuer",
  metadata: { name, namespace: ns },
  spec,
});

/** Reconciles until nothing is being issued (issuing runs openssl, so it is asynchronous). */
async function settle(cm: CertManager, rounds = 4): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    cm.reconcile();
    await cm.settled();
  }
}

const secretData = (objects: Map<string, KObject>, ns: string, name: string): Record<string, string> => {
  const s = objects.get(`Secret/${ns}/${name}`);
  if (!s) throw new Error(`no Secret ${ns}/${name}`);
  return Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("latin1")]));
};

async function verify(t: import("ava").ExecutionContext, caPem: string, chainPem: string): Promise<{ code: number | null; out: string }> {
  const dir = await tempDir(t, "kgo-cm-verify");
  const [leaf, ...rest] = splitPem(chainPem);
  writeFileSync(join(dir, "ca.crt"), caPem);
  writeFileSync(join(dir, "leaf.crt"), leaf ?? "");
  writeFileSync(join(dir, "untrusted.crt"), rest.join("") || "\n");
  const args = ["openssl", "verify", "-CAfile", join(dir, "ca.crt"), ...(rest.length ? ["-untrusted", join(dir, "untrusted.crt")] : []), join(dir, "leaf.crt")];
  const r = await run(args);
  return { code: r.code, out: r.stdout + r.stderr };
}

const text = async (pem: string) => (await run(["openssl", "x509", "-noout", "-text"], { input: pem })).stdout;

test("a leaf from a CA Issuer verifies against ca.crt; CN, SANs and usages are in the certificate; PKCS#1 by default", async (t) => {
  const { objects, cm } = store();
  await cm.provideIssuer("kafka", "team-ca");
  objects.set(
    "Certificate/kafka/broker",
    certificate("broker", {
      commonName: "kafka-0.kafka.kafka.svc",
      dnsNames: ["kafka-0.kafka.kafka.svc", "*.kafka.kafka.svc.cluster.local"],
      ipAddresses: ["10.250.0.7"],
      usages: ["server auth", "client auth", "digital signature", "key encipherment"],
      issuerRef: { kind: "Issuer", name: "team-ca", group: "cert-manager.io" },
    }),
  );
  await settle(cm);
  const s = objects.get("Secret/kafka/broker-tls");
  t.is(s?.type, "kubernetes.io/tls");
  const d = secretData(objects, "kafka", "broker-tls");
  t.deepEqual(Object.keys(d).sort(), ["ca.crt", "tls.crt", "tls.key"]);
  t.regex(d["tls.key"] as string, /^-----BEGIN RSA PRIVATE KEY-----/);
  const v = await verify(t, d["ca.crt"] as string, d["tls.crt"] as string);
  t.is(v.code, 0, v.out);
  const x = await text(d["tls.crt"] as string);
  t.regex(x, /Subject: CN ?= ?kafka-0\.kafka\.kafka\.svc/);
  t.regex(x, /DNS:kafka-0\.kafka\.kafka\.svc, DNS:\*\.kafka\.kafka\.svc\.cluster\.local, IP Address:10\.250\.0\.7/);
  t.regex(x, /TLS Web Server Authentication, TLS Web Client Authentication/);
  t.regex(x, /CA:FALSE/);
  t.is(certManagerHealth(objects.get("Certificate/kafka/broker") as KObject), "Healthy");
  const st = objects.get("Certificate/kafka/broker")?.status;
  t.truthy(st.notBefore && st.notAfter && st.renewalTime);
  // Default duration 90 days, renewal at two thirds of it.
  t.is(Math.round((Date.parse(st.notAfter) - Date.parse(st.notBefore)) / 86400_000), 90);
  t.is(Math.round((Date.parse(st.notAfter) - Date.parse(st.renewalTime)) / 86400_000), 30);
  t.is(s?.metadata.annotations?.["cert-manager.io/certificate-name"], "broker");
});

test("selfSigned Issuer -> CA Certificate -> CA Issuer -> leaf: the chain verifies, ca.crt is the root, tls.crt the leaf only", async (t) => {
  const { objects, cm } = store();
  objects.set("Issuer/kafka/bootstrap", issuer("bootstrap", { selfSigned: {} }));
  objects.set(
    "Certificate/kafka/root",
    certificate("root", {
      isCA: true,
      commonName: "kafka root",
      privateKey: { algorithm: "ECDSA", size: 256 },
      issuerRef: { kind: "Issuer", name: "bootstrap" },
    }),
  );
  objects.set("Issuer/kafka/ca", issuer("ca", { ca: { secretName: "root-tls" } }));
  objects.set("Certificate/kafka/leaf", certificate("leaf", { commonName: "leaf", dnsNames: ["leaf"], issuerRef: { kind: "Issuer", name: "ca" } }));
  await settle(cm);
  const root = secretData(objects, "kafka", "root-tls");
  // A self-signed certificate is its own ca.crt.
  t.is(root["ca.crt"], root["tls.crt"]);
  t.regex(await text(root["tls.crt"] as string), /CA:TRUE/);
  t.regex(root["tls.key"] as string, /^-----BEGIN EC PRIVATE KEY-----/);
  const leaf = secretData(objects, "kafka", "leaf-tls");
  t.is(leaf["ca.crt"], root["tls.crt"]);
  t.is(splitPem(leaf["tls.crt"] as string).length, 1);
  t.is((await verify(t, leaf["ca.crt"] as string, leaf["tls.crt"] as string)).code, 0);
  for (const n of ["bootstrap", "ca"]) t.is(certManagerHealth(objects.get(`Issuer/kafka/${n}`) as KObject), "Healthy");
});

test("PKCS8 encoding gives BEGIN PRIVATE KEY; CombinedPEM is the key then the chain; DER is the key's DER", async (t) => {
  const { objects, cm } = store();
  await cm.provideClusterIssuer("internal-ca");
  objects.set(
    "Certificate/kafka/c",
    certificate("c", {
      commonName: "c",
      privateKey: { algorithm: "RSA", size: 2048, encoding: "PKCS8", rotationPolicy: "Always" },
      issuerRef: { kind: "ClusterIssuer", name: "internal-ca", group: "cert-manager.io" },
      additionalOutputFormats: [{ type: "CombinedPEM" }, { type: "DER" }],
      secretTemplate: { labels: { team: "kafka" }, annotations: { owner: "platform" } },
    }),
  );
  await settle(cm);
  const d = secretData(objects, "kafka", "c-tls");
  t.regex(d["tls.key"] as string, /^-----BEGIN PRIVATE KEY-----/);
  t.is(d["tls-combined.pem"], `${(d["tls.key"] as string).trimEnd()}\n${d["tls.crt"]}`);
  t.deepEqual(Buffer.from(d["key.der"] as string, "latin1"), pemToDer(d["tls.key"] as string));
  const s = objects.get("Secret/kafka/c-tls") as KObject;
  t.is(s.metadata.labels?.team, "kafka");
  t.is(s.metadata.annotations?.owner, "platform");
  t.is((await verify(t, d["ca.crt"] as string, d["tls.crt"] as string)).code, 0);
});

test("renew: a new serial and a new key in the same Secret; rotationPolicy Never keeps the key", async (t) => {
  const { objects, cm } = store();
  objects.set("Issuer/kafka/self", issuer("self", { selfSigned: {} }));
  objects.set("Certificate/kafka/a", certificate("a", { commonName: "a", privateKey: { algorithm: "ECDSA" }, issuerRef: { name: "self" } }));
  objects.set(
    "Certificate/kafka/n",
    certificate("n", { commonName: "n", privateKey: { algorithm: "ECDSA", rotationPolicy: "Never" }, issuerRef: { name: "self" } }),
  );
  await settle(cm);
  const before = secretData(objects, "kafka", "a-tls");
  const beforeN = secretData(objects, "kafka", "n-tls");
  await cm.renew("kafka", "a");
  await cm.renew("kafka", "n");
  const after = secretData(objects, "kafka", "a-tls");
  const afterN = secretData(objects, "kafka", "n-tls");
  t.not((await certInfo(after["tls.crt"] as string)).serial, (await certInfo(before["tls.crt"] as string)).serial);
  t.not(after["tls.key"], before["tls.key"]);
  t.is(afterN["tls.key"], beforeN["tls.key"]);
  t.not(afterN["tls.crt"], beforeN["tls.crt"]);
  t.is(objects.get("Certificate/kafka/a")?.status.revision, 2);
});

test("a Certificate whose issuer is missing is not Ready, and is issued once the issuer appears", async (t) => {
  const { objects, cm } = store();
  objects.set("Certificate/kafka/late", certificate("late", { commonName: "late", issuerRef: { kind: "ClusterIssuer", name: "internal-ca" } }));
  await settle(cm);
  const c = objects.get("Certificate/kafka/late") as KObject;
  t.is(certManagerHealth(c), "Progressing");
  t.false(objects.has("Secret/kafka/late-tls"));
  t.regex(
    objects.get("Certificate/kafka/late")?.status.conditions.find((x: { type: string }) => x.type === "Issuing").message,
    /clusterissuer.* "internal-ca" not found/,
  );
  // A CA Issuer whose Secret is missing is Ready=False: Degraded, as Argo CD's check says.
  objects.set("Issuer/kafka/no-secret", issuer("no-secret", { ca: { secretName: "nope" } }));
  await settle(cm);
  t.is(certManagerHealth(objects.get("Issuer/kafka/no-secret") as KObject), "Degraded");
  t.regex(objects.get("Issuer/kafka/no-secret")?.status.conditions[0].message, /secrets "nope" not found/);
  await cm.provideClusterIssuer("internal-ca");
  await settle(cm);
  t.is(certManagerHealth(objects.get("Certificate/kafka/late") as KObject), "Healthy");
  t.true(objects.has("Secret/kafka/late-tls"));
});

test("health as Argo CD's Lua checks: Issuing=True Progressing first, then Ready=False Degraded, Ready=True Healthy, none Progressing", (t) => {
  const o = certificate("x", {});
  t.is(certManagerHealth(o), "Progressing");
  const ready = (status: string) => ({ type: "Ready", status, reason: "", message: "" });
  const issuing = { type: "Issuing", status: "True", reason: "DoesNotExist", message: "" };
  o.status = { conditions: [ready("False"), issuing] };
  t.is(certManagerHealth(o), "Progressing");
  o.status = { conditions: [ready("False")] };
  t.is(certManagerHealth(o), "Degraded");
  o.status = { conditions: [ready("True")] };
  t.is(certManagerHealth(o), "Healthy");
  const i = issuer("i", { selfSigned: {} });
  t.is(certManagerHealth(i), "Progressing");
  i.status = { conditions: [ready("False"), issuing] };
  t.is(certManagerHealth(i), "Degraded", "Issuing means nothing for an Issuer");
  i.status = { conditions: [ready("True")] };
  t.is(certManagerHealth(i), "Healthy");
});

test("makeCa/issueLeaf: a client certificate for a CN verifies against its own CA and not against another", async (t) => {
  const dir = await tempDir(t, "kgo-cm-ca");
  const ca = await makeCa(join(dir, "a"), "team A");
  const other = await makeCa(join(dir, "b"), "someone else");
  t.is(readFileSync(join(dir, "a", "ca.crt"), "utf8"), ca.certPem);
  const client = await issueLeaf(ca, { cn: "User:alice", clientAuth: true });
  t.regex(client.keyPem, /^-----BEGIN PRIVATE KEY-----/);
  t.regex(await text(client.certPem), /TLS Web Client Authentication/);
  t.regex(await text(client.certPem), /Subject: CN ?= ?User:alice/);
  t.is((await verify(t, ca.certPem, client.certPem)).code, 0);
  t.not((await verify(t, other.certPem, client.certPem)).code, 0);
});

test("Go durations", (t) => {
  t.is(parseDuration("2160h", 0), 2160 * 3600);
  t.is(parseDuration("1h30m0s", 0), 5400);
  t.is(parseDuration(undefined, 7), 7);
  t.throws(() => parseDuration("3 days", 0));
});

// ---- the kubelet's secret volumes -------------------------------------------------------------

const files = (entries: Record<string, string>, mode = 0o644) => new Map(Object.entries(entries).map(([k, v]) => [k, { data: Buffer.from(v), mode }]));

test("writeAtomic: visible names are links into ..data, an update swaps ..data and removes the old folder", async (t) => {
  const dir = await tempDir(t, "kgo-vol");
  writeAtomic(dir, files({ "tls.crt": "one", "tls.key": "k1" }));
  t.is(readlinkSync(join(dir, "tls.crt")), "..data/tls.crt");
  t.true(lstatSync(join(dir, "..data")).isSymbolicLink());
  const first = readlinkSync(join(dir, "..data"));
  t.regex(first, /^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\./);
  t.is(readFileSync(join(dir, "tls.crt"), "utf8"), "one");
  t.is(statSync(join(dir, "tls.key")).mode & 0o777, 0o644);
  writeAtomic(dir, files({ "tls.crt": "two", "ca.crt": "ca" }, 0o400));
  const second = readlinkSync(join(dir, "..data"));
  t.not(second, first);
  t.is(readFileSync(join(dir, "tls.crt"), "utf8"), "two");
  t.is(readFileSync(join(dir, "ca.crt"), "utf8"), "ca");
  t.throws(() => lstatSync(join(dir, "tls.key")));
  t.throws(() => statSync(join(dir, first)));
  t.is(statSync(join(dir, "tls.crt")).mode & 0o777, 0o400);
  // With an fsGroup the kubelet makes the files group-readable.
  writeAtomic(dir, files({ "tls.crt": "three" }, 0o400), 1000);
  t.is(statSync(join(dir, "tls.crt")).mode & 0o777, 0o440);
  if (process.getuid?.() === 0) t.is(statSync(join(dir, "tls.crt")).gid, 1000);
});

/** A pod as the kubelet sees it, only for its volume logic (no sandbox is created). */
function podWith(volumes: unknown[], secrets: KObject[]): Pod {
  const host = {
    env: {
      secret: (ns: string, name: string) => secrets.find((s) => s.metadata.name === name && s.metadata.namespace === ns),
      configMap: () => undefined,
      services: () => [],
      clusterIp: () => undefined,
    },
  } as unknown as PodHost;
  return new Pod(host, {
    name: "p",
    namespace: "kafka",
    labels: {},
    annotations: {},
    spec: { containers: [], volumes },
    owner: { kind: "Pod", name: "p" },
    revision: "",
  });
}

const secret = (name: string, data: Record<string, string>): KObject => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name, namespace: "kafka" },
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString("base64")])),
});

test("secret volumes: a missing Secret or key keeps the pod waiting unless optional; items and modes as the kubelet", (t) => {
  const missing = podWith([{ name: "tls", secret: { secretName: "broker-tls" } }], []);
  t.is(missing.projectedFiles(missing.spec.volumes[0]).missing, 'MountVolume.SetUp failed for volume "tls" : secret "broker-tls" not found');
  const optional = podWith([{ name: "tls", secret: { secretName: "broker-tls", optional: true } }], []);
  t.is(optional.projectedFiles(optional.spec.volumes[0]).missing, undefined);
  t.is(optional.projectedFiles(optional.spec.volumes[0]).files.size, 0);
  const s = secret("broker-tls", { "tls.crt": "C", "tls.key": "K" });
  const items = podWith(
    [
      {
        name: "tls",
        secret: {
          secretName: "broker-tls",
          defaultMode: 0o440,
          items: [
            { key: "tls.key", path: "private/key.pem", mode: 0o400 },
            { key: "tls.crt", path: "cert.pem" },
          ],
        },
      },
    ],
    [s],
  );
  const r = items.projectedFiles(items.spec.volumes[0]);
  t.is(r.missing, undefined);
  t.deepEqual(
    [...r.files].map(([p, f]) => [p, f.data.toString(), f.mode]),
    [
      ["private/key.pem", "K", 0o400],
      ["cert.pem", "C", 0o440],
    ],
  );
  const noKey = podWith([{ name: "tls", secret: { secretName: "broker-tls", items: [{ key: "ca.crt", path: "ca.crt" }] } }], [s]);
  t.regex(noKey.projectedFiles(noKey.spec.volumes[0]).missing ?? "", /references non-existent config key: ca\.crt/);
  const all = podWith([{ name: "tls", secret: { secretName: "broker-tls" } }], [s]);
  t.deepEqual(
    [...all.projectedFiles(all.spec.volumes[0]).files].map(([p, f]) => [p, f.mode]),
    [
      ["tls.crt", 0o644],
      ["tls.key", 0o644],
    ],
  );
});

// ---- through Argo CD's sync (objects only: no pod is created, so no network is touched) --------

test("sync: a wave waits for its Certificate; the issued Secret is never pruned; deleting the Certificate leaves it", async (t) => {
  const { Cluster } = await import("../e2e/runner/cluster.js");
  const c = new Cluster({ imageRoot: await tempDir(t, "kgo-img") });
  const wave = (o: KObject, w: number): KObject => ({ ...o, metadata: { ...o.metadata, annotations: { "argocd.argoproj.io/sync-wave": String(w) } } });
  const after: KObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "after", namespace: "kafka" }, data: {} };
  const tree = [
    wave(issuer("self", { selfSigned: {} }), 0),
    wave(certificate("broker", { commonName: "broker", issuerRef: { name: "self" } }), 0),
    wave(certificate("internal", { commonName: "internal", issuerRef: { kind: "ClusterIssuer", name: "internal-ca" } }), 1),
    wave(after, 2),
  ];
  // The ClusterIssuer the team already runs: the wave-1 Certificate can only become Ready with it.
  await c.certManager.provideClusterIssuer("internal-ca");
  await c.apply(tree, { healthTimeoutMs: 60_000 });
  await c.certManager.settled();
  t.true(c.objects.has("Secret/kafka/broker-tls"));
  t.true(c.objects.has("Secret/kafka/internal-tls"));
  t.true(c.objects.has("ConfigMap/kafka/after"));
  t.is(c.health(c.objects.get("Certificate/kafka/internal") as KObject), "Healthy");
  // Re-applying keeps the status (and issues nothing new: the spec is the same).
  const serial = (await certInfo(secretData(c.objects, "kafka", "broker-tls")["tls.crt"] as string)).serial;
  await c.apply(tree, { healthTimeoutMs: 60_000 });
  t.is((await certInfo(secretData(c.objects, "kafka", "broker-tls")["tls.crt"] as string)).serial, serial);
  // The next commit drops the Certificates: they are pruned, their Secrets are not in Git and stay.
  await c.apply([wave(after, 2)], { healthTimeoutMs: 60_000 });
  t.false(c.objects.has("Certificate/kafka/broker"));
  t.true(c.objects.has("Secret/kafka/broker-tls"));
  t.true(c.objects.has("ClusterIssuer//internal-ca"), "a harness-provided issuer is not in Git and not pruned");
  t.deepEqual(c.errors, []);
});

test("sync: a ConfigMap hook with HookSucceeded is gone after its phase; hooks are not pruned; hand-made Secrets", async (t) => {
  const { Cluster } = await import("../e2e/runner/cluster.js");
  const c = new Cluster({ imageRoot: await tempDir(t, "kgo-img") });
  const hook: KObject = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: "marker",
      namespace: "kafka",
      annotations: { "argocd.argoproj.io/hook": "PreSync", "argocd.argoproj.io/hook-delete-policy": "HookSucceeded" },
    },
    data: {},
  };
  const kept: KObject = { ...hook, metadata: { ...hook.metadata, name: "kept", annotations: { "argocd.argoproj.io/hook": "PostSync" } } };
  await c.apply([hook, kept], { healthTimeoutMs: 10_000 });
  t.false(c.objects.has("ConfigMap/kafka/marker"));
  t.true(c.objects.has("ConfigMap/kafka/kept"));
  await c.apply([], { healthTimeoutMs: 10_000 });
  t.true(c.objects.has("ConfigMap/kafka/kept"), "hooks are not part of pruning");
  c.createSecret("kafka", "users", { alice: "s3cret" });
  t.throws(() => c.createSecret("kafka", "users", {}), { message: /already exists/ });
  c.updateSecret("kafka", "users", { alice: "n3w", bob: Buffer.from([0, 1]) });
  const s = c.objects.get("Secret/kafka/users") as KObject;
  t.is(s.type, "Opaque");
  t.is(Buffer.from(s.data?.alice ?? "", "base64").toString(), "n3w");
  t.throws(() => c.updateSecret("kafka", "nobody", {}), { message: /not found/ });
});

test("sync: a Certificate that cannot be issued fails the sync with cert-manager's reason", async (t) => {
  const { Cluster } = await import("../e2e/runner/cluster.js");
  const c = new Cluster({ imageRoot: await tempDir(t, "kgo-img") });
  const bad = certificate("bad", { commonName: "bad", privateKey: { algorithm: "ECDSA", size: 123 }, issuerRef: { name: "self" } });
  const next: KObject = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "next", namespace: "kafka", annotations: { "argocd.argoproj.io/sync-wave": "1" } },
  };
  await t.throwsAsync(c.apply([issuer("self", { selfSigned: {} }), bad, next], { healthTimeoutMs: 30_000 }), {
    message: /Certificate\/bad is Degraded \(ECDSA key size 123 is invalid.*\): the sync failed/,
  });
  t.false(c.objects.has("ConfigMap/kafka/next"));
});

test("sync: a CA Issuer whose CA Certificate is issued in the same wave is Degraded (Ready=False) and fails it; one wave later it works", async (t) => {
  const { Cluster } = await import("../e2e/runner/cluster.js");
  const inWave = (o: KObject, w: number): KObject => ({ ...o, metadata: { ...o.metadata, annotations: { "argocd.argoproj.io/sync-wave": String(w) } } });
  const tree = (caIssuerWave: number) => [
    inWave(issuer("bootstrap", { selfSigned: {} }), 0),
    inWave(certificate("root", { isCA: true, commonName: "root", issuerRef: { name: "bootstrap" } }), 0),
    inWave(issuer("ca", { ca: { secretName: "root-tls" } }), caIssuerWave),
    inWave(certificate("leaf", { commonName: "leaf", issuerRef: { name: "ca" } }), 2),
    inWave({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "last", namespace: "kafka" } }, 3),
  ];
  const same = new Cluster({ imageRoot: await tempDir(t, "kgo-img") });
  await t.throwsAsync(same.apply(tree(0), { healthTimeoutMs: 30_000 }), { message: /Issuer\/ca is Degraded \(.*secrets "root-tls" not found\)/ });
  const later = new Cluster({ imageRoot: await tempDir(t, "kgo-img") });
  await later.apply(tree(1), { healthTimeoutMs: 30_000 });
  t.true(later.objects.has("Secret/kafka/leaf-tls"));
});
