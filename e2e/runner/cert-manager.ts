// cert-manager (cert-manager.io/v1) as the generated objects use it: selfSigned and CA Issuers and
// ClusterIssuers, Certificates issued into kubernetes.io/tls Secrets with the keys cert-manager
// writes, renewal, and the CAs a team already has (harness-provided issuers). Keys and
// certificates are made with the openssl CLI, so what a pod reads is what openssl/Java would verify.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Health } from "./jobs.js";
import type { KObject } from "./objects.js";
import { must } from "./sh.js";

/** Where cert-manager reads a ClusterIssuer's CA Secret (its --cluster-resource-namespace default). */
export const CLUSTER_RESOURCE_NAMESPACE = "cert-manager";
const GROUP = "cert-manager.io";

export interface KeyPair {
  certPem: string;
  keyPem: string;
}

export interface SignRequest {
  /** The subject's private key (PEM, any encoding openssl reads). */
  keyPem: string;
  commonName?: string;
  dnsNames?: string[];
  ipAddresses?: string[];
  uris?: string[];
  emailAddresses?: string[];
  isCA?: boolean;
  /** cert-manager usage names: "digital signature", "key encipherment", "server auth", "client auth", "cert sign", ... */
  usages?: string[];
  durationSeconds?: number;
  /** The signing CA; undefined: self-signed with keyPem. */
  issuer?: KeyPair;
}

const KEY_USAGE: Record<string, string> = {
  "digital signature": "digitalSignature",
  "content commitment": "nonRepudiation",
  "key encipherment": "keyEncipherment",
  "data encipherment": "dataEncipherment",
  "key agreement": "keyAgreement",
  "cert sign": "keyCertSign",
  "crl sign": "cRLSign",
  "encipher only": "encipherOnly",
  "decipher only": "decipherOnly",
};
const EXT_KEY_USAGE: Record<string, string> = {
  "server auth": "serverAuth",
  "client auth": "clientAuth",
  "code signing": "codeSigning",
  "email protection": "emailProtection",
  timestamping: "timeStamping",
  "ocsp signing": "OCSPSigning",
};

/** cert-manager's defaults: 90 days, usages digital signature + key encipherment. */
const DEFAULT_DURATION = 90 * 24 * 3600;
const DEFAULT_USAGES = ["digital signature", "key encipherment"];

/** A Go duration (`2160h`, `1h30m`, `90m0s`) in seconds. */
export function parseDuration(s: string | undefined, dflt: number): number {
  if (!s) return dflt;
  let total = 0;
  let rest = s.trim();
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 1e-6, µs: 1e-6, ns: 1e-9 };
  while (rest) {
    const m = /^(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/.exec(rest);
    if (!m) throw new Error(`invalid duration ${JSON.stringify(s)}`);
    total += Number(m[1]) * (unit[m[2] as string] as number);
    rest = rest.slice(m[0].length);
  }
  return total;
}

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "kgo-cm-"));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A new private key, PKCS#8 PEM ("BEGIN PRIVATE KEY"), as cert-manager's privateKey spec asks. */
export async function generateKey(algorithm = "RSA", size?: number): Promise<string> {
  switch (algorithm) {
    case "RSA":
      return must(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", `rsa_keygen_bits:${size ?? 2048}`]);
    case "ECDSA": {
      const curve = { 256: "P-256", 384: "P-384", 521: "P-521" }[size ?? 256];
      if (!curve) throw new Error(`ECDSA key size ${size} is invalid (256, 384 or 521)`);
      return must(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", `ec_paramgen_curve:${curve}`]);
    }
    case "Ed25519":
      return must(["openssl", "genpkey", "-algorithm", "ED25519"]);
  }
  throw new Error(`privateKey.algorithm ${algorithm} is not one of RSA, ECDSA, Ed25519`);
}

/** PKCS#1 / SEC1 ("BEGIN RSA PRIVATE KEY" / "BEGIN EC PRIVATE KEY"): cert-manager's default encoding. */
export async function toTraditional(keyPem: string): Promise<string> {
  return must(["openssl", "pkey", "-traditional"], { input: keyPem });
}

/** The PEM blocks of a bundle, each ending with a newline. */
export function splitPem(bundle: string): string[] {
  return (bundle.match(/-----BEGIN [A-Z0-9 ]+-----[\s\S]*?-----END [A-Z0-9 ]+-----/g) ?? []).map((b) => `${b}\n`);
}

/** The DER bytes of the first PEM block (what cert-manager's DER output format stores as key.der). */
export function pemToDer(pem: string): Buffer {
  const body = pem
    .replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, "")
    .replace(/\s+/g, "")
    .trim();
  return Buffer.from(body, "base64");
}

function subjectArg(cn: string | undefined): string {
  // openssl's -subj syntax: "/" and "=" in a value are escaped; no CN gives an empty subject, as cert-manager does.
  return cn ? `/CN=${cn.replace(/[\\/=+]/g, (c) => `\\${c}`)}` : "/";
}

/** Signs a certificate for req.keyPem with the X.509 extensions cert-manager puts in. */
export async function signCertificate(req: SignRequest): Promise<string> {
  return withDir(async (dir) => {
    const usages = req.usages?.length ? req.usages : DEFAULT_USAGES;
    const ku = new Set<string>();
    const eku: string[] = [];
    for (const u of usages) {
      if (KEY_USAGE[u]) ku.add(KEY_USAGE[u]);
      else if (EXT_KEY_USAGE[u]) eku.push(EXT_KEY_USAGE[u]);
      else if (u !== "signing") throw new Error(`usage ${JSON.stringify(u)} is not a cert-manager key usage`);
      if (u === "signing") ku.add("digitalSignature");
    }
    // cert-manager adds cert sign to a CA's key usages.
    if (req.isCA) ku.add("keyCertSign");
    const san = [
      ...(req.dnsNames ?? []).map((d) => `DNS:${d}`),
      ...(req.ipAddresses ?? []).map((i) => `IP:${i}`),
      ...(req.uris ?? []).map((u) => `URI:${u}`),
      ...(req.emailAddresses ?? []).map((e) => `email:${e}`),
    ];
    const ext = [
      "[v3]",
      `basicConstraints = critical, CA:${req.isCA ? "TRUE" : "FALSE"}`,
      `keyUsage = critical, ${[...ku].join(", ")}`,
      ...(eku.length ? [`extendedKeyUsage = ${eku.join(", ")}`] : []),
      ...(san.length ? [`subjectAltName = ${san.join(", ")}`] : []),
      "subjectKeyIdentifier = hash",
      ...(req.issuer ? ["authorityKeyIdentifier = keyid"] : []),
    ].join("\n");
    writeFileSync(join(dir, "ext.cnf"), `${ext}\n`);
    writeFileSync(join(dir, "key.pem"), req.keyPem, { mode: 0o600 });
    await must(["openssl", "req", "-new", "-key", join(dir, "key.pem"), "-subj", subjectArg(req.commonName), "-out", join(dir, "req.csr")]);
    // A positive 127-bit random serial, as Go's crypto/x509 users (cert-manager) pick.
    const serial = randomBytes(16);
    serial[0] = (serial[0] as number) & 0x7f;
    // openssl 3.0's x509 command counts validity in days: a duration under a day becomes one day.
    const days = String(Math.max(1, Math.ceil((req.durationSeconds ?? DEFAULT_DURATION) / 86400)));
    let signer = ["-signkey", join(dir, "key.pem")];
    if (req.issuer) {
      writeFileSync(join(dir, "ca.crt"), req.issuer.certPem);
      writeFileSync(join(dir, "ca.key"), req.issuer.keyPem, { mode: 0o600 });
      signer = ["-CA", join(dir, "ca.crt"), "-CAkey", join(dir, "ca.key")];
    }
    const args = ["-days", days, "-set_serial", `0x${serial.toString("hex")}`, "-extfile", join(dir, "ext.cnf"), "-extensions", "v3"];
    await must(["openssl", "x509", "-req", "-in", join(dir, "req.csr"), ...signer, ...args, "-out", join(dir, "crt.pem")]);
    return must(["openssl", "x509", "-in", join(dir, "crt.pem")]);
  });
}

/** notBefore, notAfter (ISO), serial (hex), subject and issuer of a PEM certificate. */
export async function certInfo(certPem: string): Promise<{ notBefore: string; notAfter: string; serial: string; subject: string; issuer: string }> {
  const out = await must(["openssl", "x509", "-noout", "-startdate", "-enddate", "-serial", "-subject", "-issuer", "-nameopt", "RFC2253"], { input: certPem });
  const get = (k: string) =>
    out
      .split("\n")
      .find((l) => l.startsWith(`${k}=`))
      ?.slice(k.length + 1) ?? "";
  const iso = (d: string) => new Date(Date.parse(d)).toISOString().replace(/\.000Z$/, "Z");
  return { notBefore: iso(get("notBefore")), notAfter: iso(get("notAfter")), serial: get("serial"), subject: get("subject"), issuer: get("issuer") };
}

/**
 * A self-signed CA (for negative tests: a CA the cluster does not trust, or a team's own CA);
 * written to dir as ca.crt and ca.key too.
 */
export async function makeCa(dir: string, cn: string): Promise<KeyPair> {
  const keyPem = await generateKey("ECDSA", 256);
  const certPem = await signCertificate({
    keyPem,
    commonName: cn,
    isCA: true,
    usages: ["digital signature", "cert sign", "crl sign"],
    durationSeconds: 3650 * 86400,
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "ca.crt"), certPem);
  writeFileSync(join(dir, "ca.key"), keyPem, { mode: 0o600 });
  return { certPem, keyPem };
}

/** A leaf signed by ca (PKCS#8 key): a server certificate, or a client certificate for a given CN. */
export async function issueLeaf(
  ca: KeyPair,
  opts: { cn: string; dnsNames?: string[]; ipAddresses?: string[]; clientAuth?: boolean; serverAuth?: boolean; days?: number },
): Promise<KeyPair> {
  const keyPem = await generateKey("RSA", 2048);
  const usages = [...DEFAULT_USAGES, ...(opts.serverAuth ? ["server auth"] : []), ...(opts.clientAuth ? ["client auth"] : [])];
  const certPem = await signCertificate({
    keyPem,
    commonName: opts.cn,
    dnsNames: opts.dnsNames,
    ipAddresses: opts.ipAddresses,
    usages,
    durationSeconds: (opts.days ?? 90) * 86400,
    issuer: ca,
  });
  return { certPem, keyPem };
}

// ---- the controller ------------------------------------------------------------------------------

export interface CertManagerHost {
  get(kind: string, namespace: string, name: string): KObject | undefined;
  list(kind: string): KObject[];
  /** Stores an object cert-manager or the harness owns (not tracked by Argo CD, so never pruned); a Secret reaches the pods' volumes. */
  put(o: KObject): void;
  log(msg: string): void;
}

type Condition = { type: string; status: "True" | "False"; reason: string; message: string };

const condition = (o: KObject | undefined, type: string): Condition | undefined => (o?.status?.conditions ?? []).find((c: Condition) => c.type === type);
const readyCondition = (o: KObject | undefined) => condition(o, "Ready");

/**
 * Argo CD's health of a Certificate, Issuer or ClusterIssuer (its built-in Lua checks in
 * resource_customizations/cert-manager.io): a Certificate with Issuing=True is Progressing (checked
 * first); then Ready=False is Degraded (which fails a sync wave), Ready=True Healthy; no Ready
 * condition yet is Progressing.
 */
export function certManagerHealth(o: KObject): Health {
  if (o.kind === "Certificate" && condition(o, "Issuing")?.status === "True") return "Progressing";
  const r = readyCondition(o);
  if (r?.status === "False") return "Degraded";
  if (r?.status === "True") return "Healthy";
  return "Progressing";
}

/** The message Argo CD shows with that health: the Issuing or Ready condition's message. */
export function certManagerHealthMessage(o: KObject): string {
  return (condition(o, "Issuing")?.status === "True" ? condition(o, "Issuing") : readyCondition(o))?.message ?? "";
}

export const isCertManagerKind = (o: KObject) =>
  o.apiVersion.startsWith(`${GROUP}/`) && (o.kind === "Certificate" || o.kind === "Issuer" || o.kind === "ClusterIssuer");

const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");
const unb64 = (s: string | undefined) => (s === undefined ? undefined : Buffer.from(s, "base64").toString());

export class CertManager {
  /** What each Certificate was last issued from (spec + issuer), to re-issue when it changes. */
  private issuedFrom = new Map<string, string>();
  private inFlight = new Map<string, Promise<void>>();
  /** An issuance that failed is not retried until the spec or issuer changes (cert-manager backs off; a test wants the error once). */
  private failedFrom = new Map<string, string>();
  readonly errors: string[] = [];

  constructor(private readonly host: CertManagerHost) {}

  /** Sets one condition (its transition time kept while its status stays), leaving the others. */
  private setCondition(o: KObject, type: string, status: boolean | undefined, reason = "", message = ""): void {
    const conditions: (Condition & { lastTransitionTime?: string })[] = [...(o.status?.conditions ?? [])];
    const i = conditions.findIndex((c) => c.type === type);
    const prev = conditions[i];
    if (status === undefined) {
      // cert-manager removes the Issuing condition once an issuance succeeded.
      if (i >= 0) conditions.splice(i, 1);
    } else {
      const st = status ? "True" : "False";
      const at = prev?.status === st ? prev.lastTransitionTime : new Date().toISOString().replace(/\.\d+Z$/, "Z");
      const c = { type, status: st as Condition["status"], reason, message, lastTransitionTime: at };
      if (i >= 0) conditions[i] = c;
      else conditions.push(c);
    }
    o.status = { ...(o.status ?? {}), conditions };
  }

  /** The CA key pair an Issuer/ClusterIssuer signs with; undefined for selfSigned; an Error string when not usable. */
  private issuerState(iss: KObject | undefined, kind: string, name: string): { ready: false; why: string } | { ready: true; issuer: KObject; ca?: KObject } {
    if (!iss) return { ready: false, why: `Referenced "${kind}" not found: ${kind.toLowerCase()}.${GROUP} "${name}" not found` };
    if (iss.spec?.selfSigned) return { ready: true, issuer: iss };
    if (iss.spec?.ca) {
      const ns = iss.kind === "ClusterIssuer" ? CLUSTER_RESOURCE_NAMESPACE : (iss.metadata.namespace as string);
      const s = this.host.get("Secret", ns, iss.spec.ca.secretName);
      if (!s?.data?.["tls.crt"] || !s.data["tls.key"])
        return { ready: false, why: `Error getting keypair for CA issuer: secrets "${iss.spec.ca.secretName}" not found` };
      return { ready: true, issuer: iss, ca: s };
    }
    return { ready: false, why: `issuer type of ${iss.kind} ${name} is not reproduced (selfSigned and ca only)` };
  }

  private issuerOf(cert: KObject) {
    const ref = cert.spec.issuerRef ?? {};
    const kind = ref.kind ?? "Issuer";
    if (ref.group && ref.group !== GROUP) return { ready: false as const, why: `issuerRef.group ${ref.group} is not reproduced (external issuers)` };
    const iss = kind === "ClusterIssuer" ? this.host.get("ClusterIssuer", "", ref.name) : this.host.get("Issuer", cert.metadata.namespace as string, ref.name);
    return this.issuerState(iss, kind, ref.name);
  }

  /** One pass (call it again and again): issuers' readiness, then every Certificate that needs issuing. */
  reconcile(): void {
    for (const kind of ["Issuer", "ClusterIssuer"])
      for (const iss of this.host.list(kind)) {
        if (!isCertManagerKind(iss)) continue;
        const st = this.issuerState(iss, kind, iss.metadata.name);
        if (st.ready) this.setCondition(iss, "Ready", true, "IsReady", iss.spec.selfSigned ? "" : "Signing CA verified");
        else this.setCondition(iss, "Ready", false, "ErrGetKeyPair", st.why);
      }
    for (const cert of this.host.list("Certificate")) {
      if (!isCertManagerKind(cert)) continue;
      const k = `${cert.metadata.namespace}/${cert.metadata.name}`;
      if (this.inFlight.has(k)) continue;
      const from = this.fingerprint(cert);
      const secret = this.host.get("Secret", cert.metadata.namespace as string, cert.spec.secretName);
      // Up to date: nothing to do, even if its issuer went away since (cert-manager does not re-issue then).
      if (secret && this.issuedFrom.get(k) === from && readyCondition(cert)?.status === "True") continue;
      const why = secret ? "Issuing certificate as the Secret does not match the spec" : "Issuing certificate as Secret does not exist";
      const st = this.issuerOf(cert);
      if (!st.ready) {
        // cert-manager's CertificateRequest waits for the issuer: the Certificate stays Issuing (Progressing).
        this.setCondition(cert, "Issuing", true, secret ? "Reissuing" : "DoesNotExist", `${why}; ${st.why}`);
        if (readyCondition(cert)?.status !== "True") this.setCondition(cert, "Ready", false, "DoesNotExist", why);
        continue;
      }
      if (this.failedFrom.get(k) === this.failureKey(cert, st.issuer, st.ca)) continue;
      this.setCondition(cert, "Issuing", true, secret ? "Reissuing" : "DoesNotExist", why);
      if (!secret) this.setCondition(cert, "Ready", false, "DoesNotExist", why);
      void this.issueTracked(cert, false);
    }
  }

  /**
   * What decides a re-issue: the Certificate's spec (issuerRef included). A CA that changes does not
   * re-issue its leaves (cert-manager does not either: their ca.crt stays the old one until renewal).
   */
  private fingerprint(cert: KObject): string {
    return JSON.stringify(cert.spec);
  }

  /** A failed issuance is retried once the spec, the issuer or its CA changed. */
  private failureKey(cert: KObject, issuer: KObject, ca?: KObject): string {
    return JSON.stringify([cert.spec, issuer.kind, issuer.metadata.name, issuer.spec, ca?.data?.["tls.crt"]]);
  }

  private issueTracked(cert: KObject, renewal: boolean): Promise<void> {
    const k = `${cert.metadata.namespace}/${cert.metadata.name}`;
    const p = this.issue(cert, renewal)
      .catch((e: Error) => {
        const msg = `Certificate ${k}: ${e.message}`;
        if (!this.errors.includes(msg)) this.errors.push(msg);
        this.host.log(`ERROR ${msg}`);
        // A failed issuance: Issuing=False and Ready=False, Degraded to Argo CD.
        this.setCondition(cert, "Issuing", false, "Failed", e.message);
        this.setCondition(cert, "Ready", false, "Failed", e.message);
        const st = this.issuerOf(cert);
        if (st.ready) this.failedFrom.set(k, this.failureKey(cert, st.issuer, st.ca));
        throw e;
      })
      .finally(() => this.inFlight.delete(k));
    this.inFlight.set(
      k,
      p.catch(() => undefined),
    );
    return p;
  }

  /** Issues (or, renewal, re-issues) a Certificate into its Secret, with the keys cert-manager writes. */
  private async issue(cert: KObject, renewal: boolean): Promise<void> {
    const ns = cert.metadata.namespace as string;
    const spec = cert.spec;
    const st = this.issuerOf(cert);
    if (!st.ready) throw new Error(st.why);
    const pk = spec.privateKey ?? {};
    const prev = this.host.get("Secret", ns, spec.secretName);
    // rotationPolicy Never keeps the Secret's key across issuances; Always (cert-manager's default since 1.18) makes a new one.
    const keep = pk.rotationPolicy === "Never" ? unb64(prev?.data?.["tls.key"]) : undefined;
    const key8 = keep ? await must(["openssl", "pkey"], { input: keep }) : await generateKey(pk.algorithm ?? "RSA", pk.size);
    const keyPem = (pk.encoding ?? "PKCS1") === "PKCS8" ? key8 : await toTraditional(key8);
    const ca = st.ca ? { certPem: unb64(st.ca.data?.["tls.crt"]) as string, keyPem: unb64(st.ca.data?.["tls.key"]) as string } : undefined;
    const duration = parseDuration(spec.duration, DEFAULT_DURATION);
    const leaf = await signCertificate({
      keyPem: key8,
      commonName: spec.commonName,
      dnsNames: spec.dnsNames,
      ipAddresses: spec.ipAddresses,
      uris: spec.uris,
      emailAddresses: spec.emailAddresses,
      isCA: spec.isCA === true,
      usages: spec.usages,
      durationSeconds: duration,
      issuer: ca ? { certPem: splitPem(ca.certPem)[0] as string, keyPem: ca.keyPem } : undefined,
    });
    let chain = leaf;
    let caCrt = leaf;
    if (ca) {
      // tls.crt: the leaf, then the CA's chain without its root; ca.crt: the root (the CA Secret's ca.crt, else the chain's last).
      const caCerts = splitPem(ca.certPem);
      const root = unb64(st.ca?.data?.["ca.crt"]) ?? (caCerts.at(-1) as string);
      const norm = (s: string) => s.replace(/\s+/g, "");
      const inter: string[] = [];
      for (const c of caCerts) {
        if (norm(c) === norm(root)) continue;
        const i = await certInfo(c);
        if (i.subject !== i.issuer) inter.push(c);
      }
      chain = [leaf, ...inter].join("");
      caCrt = root;
    }
    const data: Record<string, string> = { "ca.crt": b64(caCrt), "tls.crt": b64(chain), "tls.key": b64(keyPem) };
    for (const f of spec.additionalOutputFormats ?? []) {
      if (f.type === "CombinedPEM") data["tls-combined.pem"] = b64(`${keyPem.trimEnd()}\n${chain}`);
      else if (f.type === "DER") data["key.der"] = pemToDer(keyPem).toString("base64");
      else throw new Error(`additionalOutputFormats type ${f.type} is not CombinedPEM or DER`);
    }
    const info = await certInfo(leaf);
    const ref = spec.issuerRef ?? {};
    const tpl = spec.secretTemplate ?? {};
    this.host.put({
      apiVersion: "v1",
      kind: "Secret",
      type: "kubernetes.io/tls",
      metadata: {
        name: spec.secretName,
        namespace: ns,
        labels: { ...(tpl.labels ?? {}), "controller.cert-manager.io/fao": "true" },
        annotations: {
          ...(tpl.annotations ?? {}),
          "cert-manager.io/alt-names": (spec.dnsNames ?? []).join(","),
          "cert-manager.io/certificate-name": cert.metadata.name,
          "cert-manager.io/common-name": spec.commonName ?? "",
          "cert-manager.io/ip-sans": (spec.ipAddresses ?? []).join(","),
          "cert-manager.io/issuer-group": ref.group ?? GROUP,
          "cert-manager.io/issuer-kind": ref.kind ?? "Issuer",
          "cert-manager.io/issuer-name": ref.name,
          "cert-manager.io/uri-sans": (spec.uris ?? []).join(","),
        },
      },
      data,
    });
    // Default renewBefore: a third of the duration (cert-manager renews at two thirds of the lifetime).
    const renewBefore = parseDuration(spec.renewBefore, duration / 3);
    const renewalTime = new Date(Date.parse(info.notAfter) - renewBefore * 1000).toISOString().replace(/\.\d+Z$/, "Z");
    this.issuedFrom.set(`${ns}/${cert.metadata.name}`, this.fingerprint(cert));
    this.setCondition(cert, "Ready", true, "Ready", "Certificate is up to date and has not expired");
    this.setCondition(cert, "Issuing", undefined);
    cert.status = { ...cert.status, notBefore: info.notBefore, notAfter: info.notAfter, renewalTime, revision: (cert.status?.revision ?? 0) + 1 };
    this.host.log(
      `cert-manager: ${renewal ? "renewed" : "issued"} Certificate ${ns}/${cert.metadata.name} into Secret ${spec.secretName} (serial ${info.serial})`,
    );
  }

  /** `cmctl renew`: a new key (unless rotationPolicy Never) and certificate in the same Secret; pods mounting it see the new files. */
  async renew(namespace: string, name: string): Promise<void> {
    const k = `${namespace}/${name}`;
    await this.inFlight.get(k);
    const cert = this.host.get("Certificate", namespace, name);
    if (!cert) throw new Error(`certificates.${GROUP} "${name}" not found in ${namespace}`);
    this.setCondition(cert, "Issuing", true, "ManuallyTriggered", "Certificate re-issuance manually triggered");
    await this.issueTracked(cert, true);
  }

  /** Waits for an issuance in progress (issuing is asynchronous: openssl runs). */
  async settled(): Promise<void> {
    await Promise.all([...this.inFlight.values()]);
  }

  /**
   * A CA that stands for a ClusterIssuer the team already runs (e.g. `internal-ca`): a CA Secret
   * in cert-manager's cluster resource namespace and a ClusterIssuer using it, neither in Git.
   */
  async provideClusterIssuer(name: string): Promise<KeyPair> {
    return this.provide(CLUSTER_RESOURCE_NAMESPACE, name, "ClusterIssuer");
  }

  /** Likewise for a namespaced CA Issuer created outside Git. */
  async provideIssuer(namespace: string, name: string): Promise<KeyPair> {
    return this.provide(namespace, name, "Issuer");
  }

  private async provide(secretNs: string, name: string, kind: "Issuer" | "ClusterIssuer"): Promise<KeyPair> {
    const dir = mkdtempSync(join(tmpdir(), "kgo-ca-"));
    try {
      const ca = await makeCa(dir, `${name} (kafka-gitops e2e)`);
      const secretName = `${name}-ca`;
      this.host.put({
        apiVersion: "v1",
        kind: "Secret",
        type: "kubernetes.io/tls",
        metadata: { name: secretName, namespace: secretNs },
        data: { "tls.crt": b64(ca.certPem), "tls.key": b64(ca.keyPem), "ca.crt": b64(ca.certPem) },
      });
      this.host.put({
        apiVersion: `${GROUP}/v1`,
        kind,
        metadata: { name, ...(kind === "Issuer" ? { namespace: secretNs } : {}) },
        spec: { ca: { secretName } },
      });
      this.reconcile();
      return ca;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
