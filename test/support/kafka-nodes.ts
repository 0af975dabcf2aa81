/**
 * Test oracle for the generator: from the objects `kubectl kustomize overlays/<env>` renders, rebuild
 * every Kafka node's effective server.properties the way kubelet and the official apache/kafka image
 * would, then check the project's Kafka-on-Kubernetes rules.
 *
 * The model is written from the Kubernetes and image behaviour, never from the generator's code: an
 * oracle that shared the generator's assumptions would approve the generator's bugs.
 *
 * Pipeline: workloads -> pods (names, labels, hostname/subdomain as the controllers set them)
 * -> container env (kubelet: service links, envFrom, env with $(VAR) expansion, downward API)
 * -> image startup (run/configure scripts, KafkaDockerWrapper) -> server.properties text
 * -> java.util.Properties parsing -> checks.
 */
import { posix } from "node:path";

// ---------------------------------------------------------------------------------------------
// Public model
// ---------------------------------------------------------------------------------------------

export interface KafkaWorkloadRef {
  kind: "StatefulSet" | "Deployment";
  name: string;
}

export interface KafkaNode {
  /** Pod name: `<sts>-<ordinal>`, or `<deployment>-<PLACEHOLDER_HASH>` (the real suffix is random). */
  pod: string;
  /** `metadata.namespace` of the workload; "" when missing (reported as a violation). */
  namespace: string;
  workload: KafkaWorkloadRef;
  /** StatefulSet ordinal; undefined for Deployments. */
  ordinal?: number;
  podLabels: Record<string, string>;
  podAnnotations: Record<string, string>;
  /** `spec.hostname` / `spec.subdomain` as the pod gets them; they decide its per-pod DNS record. */
  hostname?: string;
  subdomain?: string;
  /** Environment of the Kafka container as kubelet hands it over (before the image's scripts). */
  env: Record<string, string>;
  /** Effective server.properties after the image's startup scripts. */
  properties: Record<string, string>;
  /** The CLUSTER_ID variable; undefined when unset or empty. */
  clusterId?: string;
  /** Pod spec as the pod gets it (StatefulSets: claim-template volumes added, hostname/subdomain set). */
  podSpec: any;
  container: any;
  /** Problems found while modelling this pod (they are violations too). */
  problems: string[];
}

/** Stands in for generated hashes: the Deployment pod-name suffix, pod-template-hash, controller-revision-hash. */
export const PLACEHOLDER_HASH = "hash";

/** The image's configureDefaults exports this id when CLUSTER_ID is unset or empty. */
export const IMAGE_DEFAULT_CLUSTER_ID = "5L6g3nShT-eMCtK--X86sw";

/** KAFKA_* variables the image's KafkaDockerWrapper does not turn into properties. */
const IMAGE_NON_PROPERTY_VARS = new Set([
  "KAFKA_HEAP_OPTS",
  "KAFKA_OPTS",
  "KAFKA_JMX_OPTS",
  "KAFKA_LOG4J_OPTS",
  "KAFKA_JVM_PERFORMANCE_OPTS",
  "KAFKA_GC_LOG_OPTS",
  "KAFKA_LOG4J_ROOT_LOGLEVEL",
  "KAFKA_LOG4J_LOGGERS",
  "KAFKA_TOOLS_LOG4J_LOGLEVEL",
  "KAFKA_JMX_HOSTNAME",
  "KAFKA_VERSION",
]);

const IMAGE_RUN_SCRIPT = "/etc/kafka/docker/run";
const IMAGE_MOUNTED_CONFIG_DIR = "/mnt/shared/config";
const IMAGE_SECRETS_DIR = "/etc/kafka/secrets";

// Property names used by several checks.
const NODE_ID = "node.id";
const ROLES = "process.roles";
const VOTERS = "controller.quorum.voters";
const LISTENERS = "listeners";
const ADVERTISED = "advertised.listeners";
const CONTROLLER_NAMES = "controller.listener.names";
const PROTOCOL_MAP = "listener.security.protocol.map";
const INTER_BROKER = "inter.broker.listener.name";

// ---------------------------------------------------------------------------------------------
// Small object helpers
// ---------------------------------------------------------------------------------------------

type Labels = Record<string, string>;

function nameOf(obj: any): string {
  return String(obj?.metadata?.name ?? "");
}

function namespaceOf(obj: any): string {
  return String(obj?.metadata?.namespace ?? "");
}

function objectsOfKind(objects: any[], kind: string, namespace?: string): any[] {
  return objects.filter((o) => o?.kind === kind && (namespace === undefined || namespaceOf(o) === namespace));
}

function findObject(objects: any[], kind: string, namespace: string, name: string): any {
  return objects.find((o) => o?.kind === kind && namespaceOf(o) === namespace && nameOf(o) === name);
}

function describe(obj: any): string {
  const ns = namespaceOf(obj);
  return `${obj?.kind} ${ns ? `${ns}/` : ""}${nameOf(obj)}`;
}

function at(node: KafkaNode): string {
  return `pod ${node.namespace}/${node.pod}`;
}

/** Service-style selector (a plain map). Kubernetes gives a Service without selector no endpoints. */
function serviceSelects(service: any, labels: Labels): boolean {
  const selector: Labels | undefined = service?.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === String(v));
}

/** metav1.LabelSelector semantics: null selects nothing, {} selects everything. */
export function labelSelectorMatches(selector: any, labels: Labels): boolean {
  if (selector === undefined || selector === null) return false;
  const matchLabels: Labels = selector.matchLabels ?? {};
  if (!Object.entries(matchLabels).every(([k, v]) => labels[k] === String(v))) return false;
  return (selector.matchExpressions ?? []).every((expr: any) => {
    const has = Object.hasOwn(labels, expr.key);
    const values: string[] = (expr.values ?? []).map(String);
    switch (expr.operator) {
      case "In":
        return has && values.includes(labels[expr.key] ?? "");
      case "NotIn":
        return !has || !values.includes(labels[expr.key] ?? "");
      case "Exists":
        return has;
      case "DoesNotExist":
        return !has;
      default:
        return false;
    }
  });
}

function isHeadless(service: any): boolean {
  return service?.spec?.clusterIP === "None";
}

/** Services that get a virtual IP (and therefore service-link variables and kube-proxy rules). */
function hasClusterIp(service: any): boolean {
  return service?.spec?.type !== "ExternalName" && !isHeadless(service);
}

// ---------------------------------------------------------------------------------------------
// Kubernetes quantities and JVM sizes
// ---------------------------------------------------------------------------------------------

const QUANTITY_SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** "1Gi" -> 1073741824, "2G" -> 2e9, "1e3" -> 1000, "500m" -> 0.5; undefined when malformed. */
export function parseKubernetesQuantity(quantity: unknown): number | undefined {
  if (typeof quantity === "number") return quantity;
  if (typeof quantity !== "string") return undefined;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(quantity.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  return base * (QUANTITY_SUFFIX[m[3] ?? ""] ?? 1);
}

/** JVM size argument: "512m", "1g", "1G", "1073741824"; undefined when malformed. */
export function parseJvmSize(size: string): number | undefined {
  const m = /^(\d+)([kKmMgGtT]?)$/.exec(size);
  if (!m) return undefined;
  const exponent = { "": 0, k: 1, m: 2, g: 3, t: 4 }[(m[2] ?? "").toLowerCase()] ?? 0;
  return Number(m[1]) * 1024 ** exponent;
}

// ---------------------------------------------------------------------------------------------
// kubelet: environment of a container
// ---------------------------------------------------------------------------------------------

/**
 * Kubernetes `$(VAR)` expansion, as kubelet applies it to `env[].value`, `command` and `args`:
 * `$(VAR)` becomes the variable's value when it is defined, and stays as written when it is not;
 * `$$` is an escaped `$` (so `$$(VAR)` yields the literal `$(VAR)`); any other `$` is kept.
 */
export function expandKubernetesVars(input: string, vars: Record<string, string> | ((name: string) => string | undefined)): string {
  const lookup = typeof vars === "function" ? vars : (n: string) => (Object.hasOwn(vars, n) ? vars[n] : undefined);
  let out = "";
  let i = 0;
  while (i < input.length) {
    const ch = input.charAt(i);
    if (ch !== "$" || i + 1 >= input.length) {
      out += ch;
      i += 1;
      continue;
    }
    const next = input.charAt(i + 1);
    if (next === "$") {
      out += "$";
      i += 2;
    } else if (next === "(") {
      const close = input.indexOf(")", i + 2);
      if (close === -1) {
        // An unterminated reference is copied and scanning resumes after "$(".
        out += "$(";
        i += 2;
      } else {
        const name = input.slice(i + 2, close);
        out += lookup(name) ?? `$(${name})`;
        i = close + 1;
      }
    } else {
      out += ch + next;
      i += 2;
    }
  }
  return out;
}

/** What the controllers give a pod; enough to answer the downward API and DNS questions. */
interface PodInstance {
  name: string;
  namespace: string;
  workload: KafkaWorkloadRef;
  ordinal?: number;
  labels: Labels;
  annotations: Labels;
  hostname?: string;
  subdomain?: string;
  spec: any;
}

/** The variables kubelet injects for every Service of the namespace unless enableServiceLinks is false. */
function serviceLinkEnv(objects: any[], namespace: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const service of objectsOfKind(objects, "Service", namespace)) {
    const ports: any[] = service.spec?.ports ?? [];
    const first = ports[0];
    if (!hasClusterIp(service) || !first) continue;
    const prefix = nameOf(service).toUpperCase().replace(/-/g, "_");
    const host = String(service.spec?.clusterIP ?? `<clusterIP:${nameOf(service)}>`);
    env.set(`${prefix}_SERVICE_HOST`, host);
    env.set(`${prefix}_SERVICE_PORT`, String(first.port));
    ports.forEach((port, index) => {
      const proto = String(port.protocol ?? "TCP");
      const url = `${proto.toLowerCase()}://${host}:${port.port}`;
      if (port.name) env.set(`${prefix}_SERVICE_PORT_${String(port.name).toUpperCase().replace(/-/g, "_")}`, String(port.port));
      if (index === 0) env.set(`${prefix}_PORT`, url);
      const portPrefix = `${prefix}_PORT_${port.port}_${proto.toUpperCase()}`;
      env.set(portPrefix, url);
      env.set(`${portPrefix}_PROTO`, proto.toLowerCase());
      env.set(`${portPrefix}_PORT`, String(port.port));
      env.set(`${portPrefix}_ADDR`, host);
    });
  }
  return env;
}

function fieldRefValue(fieldPath: string, pod: PodInstance): string | undefined {
  const subscripted = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(fieldPath);
  if (subscripted) {
    const map = subscripted[1] === "labels" ? pod.labels : pod.annotations;
    return map[subscripted[2] ?? ""] ?? "";
  }
  switch (fieldPath) {
    case "metadata.name":
      return pod.name;
    case "metadata.namespace":
      return pod.namespace;
    case "spec.serviceAccountName":
      return String(pod.spec?.serviceAccountName ?? "default");
    case "metadata.uid":
    case "spec.nodeName":
    case "status.podIP":
    case "status.podIPs":
    case "status.hostIP":
    case "status.hostIPs":
      // Only known once the pod is scheduled; a placeholder keeps them recognisable.
      return `<${fieldPath}>`;
    default:
      return undefined;
  }
}

function resourceFieldValue(ref: any, pod: PodInstance, container: any): string | undefined {
  const target = ref.containerName ? (pod.spec?.containers ?? []).find((c: any) => c.name === ref.containerName) : container;
  const [section, resource] = String(ref.resource ?? "").split(".");
  const raw = target?.resources?.[section ?? ""]?.[resource ?? ""];
  const amount = parseKubernetesQuantity(raw);
  const divisor = parseKubernetesQuantity(ref.divisor ?? "1");
  if (amount === undefined || !divisor) return `<resourceFieldRef:${ref.resource}>`;
  return String(Math.ceil(amount / divisor));
}

interface EnvContext {
  pod: PodInstance;
  container: any;
  objects: any[];
  problems: string[];
  where: string;
}

function configMapData(ctx: EnvContext, name: string): Record<string, string> | undefined {
  const cm = findObject(ctx.objects, "ConfigMap", ctx.pod.namespace, name);
  return cm ? (cm.data ?? {}) : undefined;
}

function addEnvFromSource(source: any, env: Map<string, string>, ctx: EnvContext): void {
  const prefix = String(source.prefix ?? "");
  if (source.configMapRef) {
    const name = String(source.configMapRef.name);
    const data = configMapData(ctx, name);
    if (!data) {
      if (source.configMapRef.optional !== true) {
        ctx.problems.push(
          `${ctx.where}: envFrom references ConfigMap ${ctx.pod.namespace}/${name}, which is not among the objects (the container would not start)`,
        );
      }
      return;
    }
    for (const [key, value] of Object.entries(data)) env.set(prefix + key, String(value));
  } else if (source.secretRef) {
    // Secret values are not ours to read; when the Secret is rendered its keys are known.
    const name = String(source.secretRef.name);
    const secret = findObject(ctx.objects, "Secret", ctx.pod.namespace, name);
    const keys = secret ? [...Object.keys(secret.data ?? {}), ...Object.keys(secret.stringData ?? {})] : [];
    for (const key of keys) env.set(prefix + key, `<secret:${name}/${key}>`);
  }
}

/** Value of one `env` entry, or undefined when kubelet would not set the variable. */
function envEntryValue(entry: any, lookup: (name: string) => string | undefined, ctx: EnvContext): string | undefined {
  const from = entry.valueFrom;
  if (!from) return expandKubernetesVars(String(entry.value ?? ""), lookup);
  if (from.fieldRef) {
    const value = fieldRefValue(String(from.fieldRef.fieldPath), ctx.pod);
    if (value === undefined) {
      ctx.problems.push(`${ctx.where}: env ${entry.name} uses unsupported fieldRef ${from.fieldRef.fieldPath}`);
    }
    return value;
  }
  if (from.configMapKeyRef) {
    const { name, key, optional } = from.configMapKeyRef;
    const value = configMapData(ctx, String(name))?.[key];
    if (value === undefined && optional !== true) {
      ctx.problems.push(
        `${ctx.where}: env ${entry.name} references key ${key} of ConfigMap ${ctx.pod.namespace}/${name}, which is not among the objects (the container would not start)`,
      );
    }
    return value === undefined ? undefined : String(value);
  }
  if (from.secretKeyRef) return `<secret:${from.secretKeyRef.name}/${from.secretKeyRef.key}>`;
  if (from.resourceFieldRef) return resourceFieldValue(from.resourceFieldRef, ctx.pod, ctx.container);
  ctx.problems.push(`${ctx.where}: env ${entry.name} has an unsupported valueFrom`);
  return undefined;
}

/**
 * The container's environment in kubelet's order: service links (lowest precedence), then envFrom
 * sources in order, then env entries in order; later definitions win. `$(VAR)` in a value sees only
 * variables defined before it (and the service links).
 */
function containerEnv(ctx: EnvContext): Map<string, string> {
  const services = ctx.pod.spec?.enableServiceLinks === false ? new Map<string, string>() : serviceLinkEnv(ctx.objects, ctx.pod.namespace);
  const own = new Map<string, string>();
  const lookup = (name: string) => own.get(name) ?? services.get(name);
  for (const source of ctx.container.envFrom ?? []) addEnvFromSource(source, own, ctx);
  for (const entry of ctx.container.env ?? []) {
    const value = envEntryValue(entry, lookup, ctx);
    if (value !== undefined) own.set(String(entry.name), value);
  }
  return new Map([...services, ...own]);
}

// ---------------------------------------------------------------------------------------------
// apache/kafka image: from environment to server.properties
// ---------------------------------------------------------------------------------------------

/**
 * Env variable -> property name as the image's KafkaDockerWrapper does it: strip the leading
 * `KAFKA_`, lowercase, then `___` -> `-`, `__` -> `_`, `_` -> `.` (runs read left to right, so
 * `____` is `-.`). Undefined for variables that are not properties.
 */
export function decodeKafkaEnv(name: string): string | undefined {
  if (!name.startsWith("KAFKA_") || IMAGE_NON_PROPERTY_VARS.has(name)) return undefined;
  const rest = name.slice("KAFKA_".length).toLowerCase();
  if (rest === "") return undefined;
  return rest.replace(/_{1,3}/g, (run) => (run === "___" ? "-" : run === "__" ? "_" : "."));
}

function isKafkaImage(image: unknown): boolean {
  return typeof image === "string" && /^(?:(?:index\.)?docker\.io\/)?apache\/kafka/.test(image);
}

/**
 * The image has no ENTRYPOINT and CMD ["/etc/kafka/docker/run"]; `run` exports each KEY=VALUE
 * argument before configuring. Anything else replaces the image's startup and cannot be modelled.
 */
function applyContainerArgs(env: Map<string, string>, ctx: EnvContext): void {
  const { command, args } = ctx.container;
  if (!command && !args) return;
  const expand = (s: unknown) => expandKubernetesVars(String(s), (n) => env.get(n));
  const argv: string[] = command ? [...command, ...(args ?? [])].map(expand) : (args as unknown[]).map(expand);
  if (argv[0] !== IMAGE_RUN_SCRIPT) {
    ctx.problems.push(
      `${ctx.where}: container command ${JSON.stringify(argv)} replaces the image's ${IMAGE_RUN_SCRIPT}; its configuration cannot be verified (set properties through KAFKA_* variables instead)`,
    );
    return;
  }
  for (const arg of argv.slice(1)) {
    const eq = arg.indexOf("=");
    if (eq > 0) env.set(arg.slice(0, eq), arg.slice(eq + 1));
  }
}

/** `utility ensure VAR` in the configure script: exit when the variable is unset or empty. */
function ensureSet(env: Map<string, string>, name: string, why: string, ctx: EnvContext): string {
  const value = env.get(name) ?? "";
  if (value === "") ctx.problems.push(`${ctx.where}: ${name} is not set but ${why}; the image's configure script exits`);
  return value;
}

/** The SSL branch of the configure script: keystore files and password files under /etc/kafka/secrets. */
function applyImageSslSetup(env: Map<string, string>, ctx: EnvContext): void {
  const why = "advertised.listeners uses SSL";
  const keystore = ensureSet(env, "KAFKA_SSL_KEYSTORE_FILENAME", why, ctx);
  env.set("KAFKA_SSL_KEYSTORE_LOCATION", `${IMAGE_SECRETS_DIR}/${keystore}`);
  const keyCredentials = ensureSet(env, "KAFKA_SSL_KEY_CREDENTIALS", why, ctx);
  env.set("KAFKA_SSL_KEY_PASSWORD", `<file:${IMAGE_SECRETS_DIR}/${keyCredentials}>`);
  const keystoreCredentials = ensureSet(env, "KAFKA_SSL_KEYSTORE_CREDENTIALS", why, ctx);
  env.set("KAFKA_SSL_KEYSTORE_PASSWORD", `<file:${IMAGE_SECRETS_DIR}/${keystoreCredentials}>`);
  const clientAuth = env.get("KAFKA_SSL_CLIENT_AUTH") ?? "";
  if (clientAuth.includes("required") || clientAuth.includes("requested")) {
    const truststore = ensureSet(env, "KAFKA_SSL_TRUSTSTORE_FILENAME", "ssl.client.auth is set", ctx);
    env.set("KAFKA_SSL_TRUSTSTORE_LOCATION", `${IMAGE_SECRETS_DIR}/${truststore}`);
    const trustCredentials = ensureSet(env, "KAFKA_SSL_TRUSTSTORE_CREDENTIALS", "ssl.client.auth is set", ctx);
    env.set("KAFKA_SSL_TRUSTSTORE_PASSWORD", `<file:${IMAGE_SECRETS_DIR}/${trustCredentials}>`);
  }
}

/**
 * The environment after the image's `run` -> `configureDefaults` -> `configure` scripts. Only the
 * steps that change configuration are modelled; the controller-with-advertised-listeners exit is
 * left to the advertised.listeners check so that it is reported once, with the property name.
 */
function imageStartupEnv(kubeletEnv: Map<string, string>, ctx: EnvContext): Map<string, string> {
  const env = new Map(kubeletEnv);
  applyContainerArgs(env, ctx);
  // configureDefaults would export IMAGE_DEFAULT_CLUSTER_ID here; KafkaNode.clusterId keeps the
  // variable as set, so that checkClusterIds can tell a missing id from the default one.
  const roles = env.get("KAFKA_PROCESS_ROLES");
  const advertised = env.get("KAFKA_ADVERTISED_LISTENERS") ?? "";
  if (roles === "controller" && advertised === "") env.delete("KAFKA_ADVERTISED_LISTENERS");
  // Without KAFKA_LISTENERS the script binds every advertised listener on 0.0.0.0.
  if (!env.get("KAFKA_LISTENERS") && roles !== "controller" && advertised !== "") {
    env.set("KAFKA_LISTENERS", advertised.replace(/:\/\/[^:]*:/g, "://0.0.0.0:"));
  }
  if (advertised.includes("SSL://")) applyImageSslSetup(env, ctx);
  if (/SASL_.*:\/\//.test(advertised)) ensureSet(env, "KAFKA_OPTS", "advertised.listeners uses SASL", ctx);
  return env;
}

/** A user server.properties in /mnt/shared/config is the base the image appends env properties to. */
function mountedServerProperties(ctx: EnvContext): string | undefined {
  const volumes: any[] = ctx.pod.spec?.volumes ?? [];
  for (const mount of ctx.container.volumeMounts ?? []) {
    const path = normalizeDir(String(mount.mountPath));
    const file = path === `${IMAGE_MOUNTED_CONFIG_DIR}/server.properties` && mount.subPath ? String(mount.subPath) : undefined;
    if (path !== IMAGE_MOUNTED_CONFIG_DIR && file === undefined) continue;
    const volume = volumes.find((v) => v.name === mount.name);
    if (volume?.emptyDir) return undefined;
    if (!volume?.configMap) {
      ctx.problems.push(`${ctx.where}: volume ${mount.name} mounted at ${mount.mountPath} may hold server.properties; only ConfigMap volumes can be modelled`);
      return undefined;
    }
    const items: any[] | undefined = volume.configMap.items;
    const wanted = file ?? "server.properties";
    const key = items ? items.find((item) => item.path === wanted)?.key : wanted;
    const data = configMapData(ctx, String(volume.configMap.name));
    if (!data) {
      if (volume.configMap.optional !== true)
        ctx.problems.push(
          `${ctx.where}: volume ${mount.name} references ConfigMap ${ctx.pod.namespace}/${volume.configMap.name}, which is not among the objects`,
        );
      return undefined;
    }
    return key === undefined ? undefined : data[key];
  }
  return undefined;
}

/**
 * java.util.Properties#load: logical lines (odd trailing backslash continues a line), `#`/`!`
 * comments, key ends at the first unescaped `=`, `:` or whitespace, backslash escapes; the last
 * occurrence of a key wins.
 */
export function parseJavaProperties(text: string): Map<string, string> {
  const result = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] ?? "").replace(/^[ \t\f]+/, "");
    if (line === "" || line.startsWith("#") || line.startsWith("!")) continue;
    while (/(?:^|[^\\])(?:\\\\)*\\$/.test(line) && i + 1 < lines.length) {
      i += 1;
      line = line.slice(0, -1) + (lines[i] ?? "").replace(/^[ \t\f]+/, "");
    }
    if (/(?:^|[^\\])(?:\\\\)*\\$/.test(line)) line = line.slice(0, -1);
    const [key, value] = splitPropertyLine(line);
    result.set(unescapeProperty(key), unescapeProperty(value));
  }
  return result;
}

function splitPropertyLine(line: string): [string, string] {
  let i = 0;
  while (i < line.length) {
    const ch = line.charAt(i);
    if (ch === "\\") {
      i += 2;
      continue;
    }
    if (ch === "=" || ch === ":" || ch === " " || ch === "\t" || ch === "\f") break;
    i += 1;
  }
  const key = line.slice(0, Math.min(i, line.length));
  let rest = line.slice(i).replace(/^[ \t\f]+/, "");
  if (rest.startsWith("=") || rest.startsWith(":")) rest = rest.slice(1).replace(/^[ \t\f]+/, "");
  return [key, rest];
}

function unescapeProperty(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, esc: string) => {
    if (esc.length === 5) return String.fromCharCode(parseInt(esc.slice(1), 16));
    return { t: "\t", n: "\n", r: "\r", f: "\f" }[esc] ?? esc;
  });
}

/** KafkaDockerWrapper: mounted server.properties (if any), then one `key=value` line per property variable. */
function serverProperties(env: Map<string, string>, ctx: EnvContext): Map<string, string> {
  const lines: string[] = [];
  const sources = new Map<string, string>();
  for (const [name, value] of env) {
    const key = decodeKafkaEnv(name);
    if (key === undefined) continue;
    const earlier = sources.get(key);
    if (earlier) {
      // The wrapper iterates a hash map, so which of the two wins is unspecified.
      ctx.problems.push(`${ctx.where}: ${earlier} and ${name} both set property ${key}`);
    }
    sources.set(key, name);
    lines.push(`${key}=${value}`);
  }
  const mounted = mountedServerProperties(ctx);
  const text = (mounted ?? "") + (lines.length > 0 ? `\n${lines.join("\n")}` : "");
  if (text.trim() === "") {
    ctx.problems.push(
      `${ctx.where}: no KAFKA_* property variables and no mounted server.properties; the image falls back to its bundled single-node default config`,
    );
  }
  return parseJavaProperties(text);
}

// ---------------------------------------------------------------------------------------------
// Controllers: workloads -> pods
// ---------------------------------------------------------------------------------------------

/** The StatefulSet controller turns every claim template into a pod volume named after the template. */
function statefulSetPodSpec(sts: any, podName: string, ordinal: number): any {
  const template = sts.spec?.template?.spec ?? {};
  const claims: any[] = sts.spec?.volumeClaimTemplates ?? [];
  const claimNames = new Set(claims.map(nameOf));
  const volumes = [
    ...(template.volumes ?? []).filter((v: any) => !claimNames.has(v.name)),
    ...claims.map((c) => ({ name: nameOf(c), persistentVolumeClaim: { claimName: `${nameOf(c)}-${nameOf(sts)}-${ordinal}` } })),
  ];
  return { ...template, volumes, hostname: podName, subdomain: sts.spec?.serviceName };
}

function statefulSetPods(sts: any): PodInstance[] {
  const replicas = Number(sts.spec?.replicas ?? 1);
  const start = Number(sts.spec?.ordinals?.start ?? 0);
  const pods: PodInstance[] = [];
  for (let ordinal = start; ordinal < start + replicas; ordinal++) {
    const name = `${nameOf(sts)}-${ordinal}`;
    const spec = statefulSetPodSpec(sts, name, ordinal);
    pods.push({
      name,
      namespace: namespaceOf(sts),
      workload: { kind: "StatefulSet", name: nameOf(sts) },
      ordinal,
      labels: {
        ...(sts.spec?.template?.metadata?.labels ?? {}),
        "controller-revision-hash": `${nameOf(sts)}-${PLACEHOLDER_HASH}`,
        "apps.kubernetes.io/pod-index": String(ordinal),
        "statefulset.kubernetes.io/pod-name": name,
      },
      annotations: { ...(sts.spec?.template?.metadata?.annotations ?? {}) },
      hostname: spec.hostname,
      subdomain: spec.subdomain,
      spec,
    });
  }
  return pods;
}

/**
 * At most one pod: replicas != 1 is reported by checkDeployment, and modelling a second copy would
 * only repeat every finding (pod names get a placeholder where the ReplicaSet's random suffix goes).
 */
function deploymentPods(deployment: any): PodInstance[] {
  if (Number(deployment.spec?.replicas ?? 1) < 1) return [];
  const spec = deployment.spec?.template?.spec ?? {};
  return [
    {
      name: `${nameOf(deployment)}-${PLACEHOLDER_HASH}`,
      namespace: namespaceOf(deployment),
      workload: { kind: "Deployment", name: nameOf(deployment) },
      labels: { ...(deployment.spec?.template?.metadata?.labels ?? {}), "pod-template-hash": PLACEHOLDER_HASH },
      annotations: { ...(deployment.spec?.template?.metadata?.annotations ?? {}) },
      hostname: spec.hostname,
      subdomain: spec.subdomain,
      spec,
    },
  ];
}

/**
 * Containers that run a Kafka node: the first container of the image, whatever its command (a replaced
 * command is checked as such), and any further one that keeps the image's command. A further container of
 * the image with a command of its own (the tls-reload sidecar) runs a script beside Kafka, not a node.
 */
function kafkaContainers(workload: any): any[] {
  const ofImage = (workload?.spec?.template?.spec?.containers ?? []).filter((c: any) => isKafkaImage(c?.image));
  return ofImage.filter((c: any, i: number) => i === 0 || c?.command === undefined);
}

function kafkaWorkloads(objects: any[]): any[] {
  return objects.filter((o) => (o?.kind === "StatefulSet" || o?.kind === "Deployment") && kafkaContainers(o).length > 0);
}

function modelNode(pod: PodInstance, container: any, objects: any[]): KafkaNode {
  const problems: string[] = [];
  const ctx: EnvContext = { pod, container, objects, problems, where: `pod ${pod.namespace}/${pod.name}` };
  const env = containerEnv(ctx);
  const startupEnv = imageStartupEnv(env, ctx);
  const properties = serverProperties(startupEnv, ctx);
  const clusterId = startupEnv.get("CLUSTER_ID");
  return {
    pod: pod.name,
    namespace: pod.namespace,
    workload: pod.workload,
    ...(pod.ordinal !== undefined ? { ordinal: pod.ordinal } : {}),
    podLabels: pod.labels,
    podAnnotations: pod.annotations,
    ...(pod.hostname ? { hostname: pod.hostname } : {}),
    ...(pod.subdomain ? { subdomain: pod.subdomain } : {}),
    env: Object.fromEntries(env),
    properties: Object.fromEntries(properties),
    ...(clusterId ? { clusterId } : {}),
    podSpec: pod.spec,
    container,
    problems,
  };
}

function nodeIdOf(node: KafkaNode): number | undefined {
  const raw = node.properties[NODE_ID]?.trim();
  return raw !== undefined && /^\d+$/.test(raw) && Number(raw) <= 2 ** 31 - 1 ? Number(raw) : undefined;
}

/** Every Kafka pod the objects would run, sorted by node.id (pods without a valid id last), then pod name. */
export function kafkaNodes(objects: any[]): KafkaNode[] {
  const nodes = kafkaWorkloads(objects).flatMap((workload) => {
    const pods = workload.kind === "StatefulSet" ? statefulSetPods(workload) : deploymentPods(workload);
    const container = kafkaContainers(workload)[0];
    return pods.map((pod) => modelNode(pod, container, objects));
  });
  const order = (n: KafkaNode) => nodeIdOf(n) ?? Number.MAX_SAFE_INTEGER;
  return nodes.sort((a, b) => order(a) - order(b) || a.pod.localeCompare(b.pod));
}

// ---------------------------------------------------------------------------------------------
// Cluster DNS
// ---------------------------------------------------------------------------------------------

/** Where a name leads: the pod, and the Service whose endpoints publish the record. */
interface DnsTarget {
  node: KafkaNode;
  service: any;
  /** A ClusterIP Service: the port goes through its port -> targetPort mapping. */
  viaVirtualIp: boolean;
}

/** Template labels of every pod-producing object that is not a Kafka workload. */
function otherPodLabels(objects: any[], namespace: string): Labels[] {
  const templateOf = (o: any) => {
    if (o?.kind === "Pod") return o;
    if (o?.kind === "CronJob") return o.spec?.jobTemplate?.spec?.template;
    if (["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"].includes(o?.kind)) return o.spec?.template;
    return undefined;
  };
  return objects
    .filter((o) => namespaceOf(o) === namespace && kafkaContainers(o).length === 0)
    .map(templateOf)
    .filter((t) => t !== undefined)
    .map((t) => t.metadata?.labels ?? {});
}

function dnsTarget(host: string, objects: any[], nodes: KafkaNode[]): DnsTarget | undefined {
  const m = /^(.+)\.svc(?:\.cluster\.local)?\.?$/.exec(host.toLowerCase());
  if (!m) return undefined;
  const parts = (m[1] ?? "").split(".");
  if (parts.length === 3) {
    // <hostname>.<subdomain>.<ns>.svc: published for a pod with a hostname whose subdomain names a
    // headless Service of its namespace that selects it.
    const [hostname, subdomain, namespace] = parts as [string, string, string];
    const service = findObject(objects, "Service", namespace, subdomain);
    if (!service || !isHeadless(service)) return undefined;
    const node = nodes.find((n) => n.namespace === namespace && n.hostname === hostname && n.subdomain === subdomain && serviceSelects(service, n.podLabels));
    return node ? { node, service, viaVirtualIp: false } : undefined;
  }
  if (parts.length === 2) {
    // <svc>.<ns>.svc leads to one particular pod only when that pod is all the Service selects.
    const [name, namespace] = parts as [string, string];
    const service = findObject(objects, "Service", namespace, name);
    if (!service || service.spec?.type === "ExternalName") return undefined;
    const selected = nodes.filter((n) => n.namespace === namespace && serviceSelects(service, n.podLabels));
    const others = otherPodLabels(objects, namespace).filter((labels) => serviceSelects(service, labels));
    const only = selected[0];
    if (selected.length !== 1 || others.length > 0 || !only) return undefined;
    return { node: only, service, viaVirtualIp: hasClusterIp(service) };
  }
  return undefined;
}

/** The pod a host name reaches, or undefined. Only fully qualified `...svc[.cluster.local]` names count. */
export function resolveHost(host: string, objects: any[], nodes: KafkaNode[]): KafkaNode | undefined {
  return dnsTarget(host, objects, nodes)?.node;
}

export interface ResolvedEndpoint {
  node: KafkaNode;
  /** The container port the connection arrives on. */
  port: number;
  /** The Service publishing the name; it must publish not-ready addresses for the quorum to form. */
  service: any;
}

/** Where `host:port` lands: pod and container port, following a ClusterIP Service's port mapping. */
export function resolveEndpoint(host: string, port: number, objects: any[], nodes: KafkaNode[]): ResolvedEndpoint | undefined {
  const target = dnsTarget(host, objects, nodes);
  if (!target) return undefined;
  if (!target.viaVirtualIp) return { node: target.node, port, service: target.service };
  const servicePort = (target.service.spec?.ports ?? []).find((p: any) => Number(p.port) === port);
  if (!servicePort) return undefined;
  const targetPort = servicePort.targetPort ?? port;
  if (typeof targetPort === "number") return { node: target.node, port: targetPort, service: target.service };
  const named = (target.node.podSpec?.containers ?? []).flatMap((c: any) => c.ports ?? []).find((p: any) => p.name === targetPort);
  return named ? { node: target.node, port: Number(named.containerPort), service: target.service } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Kafka property helpers
// ---------------------------------------------------------------------------------------------

interface Listener {
  name: string;
  host: string;
  port: number;
}

function splitList(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** `NAME://host:port,...`; Kafka upper-cases listener names. */
function parseListeners(value: string | undefined): { listeners: Listener[]; malformed: string[] } {
  const listeners: Listener[] = [];
  const malformed: string[] = [];
  for (const entry of splitList(value)) {
    const m = /^([A-Za-z0-9_-]+):\/\/(\[[^\]]*\]|[^:/]*):(\d+)$/.exec(entry);
    if (m) listeners.push({ name: (m[1] ?? "").toUpperCase(), host: m[2] ?? "", port: Number(m[3]) });
    else malformed.push(entry);
  }
  return { listeners, malformed };
}

function listenersOf(node: KafkaNode, property: string): Listener[] {
  return parseListeners(node.properties[property]).listeners;
}

function malformedListeners(node: KafkaNode, property: string): string[] {
  return parseListeners(node.properties[property]).malformed.map((entry) => `${at(node)}: ${property} entry "${entry}" is not NAME://host:port`);
}

function roleSet(node: KafkaNode): Set<string> {
  return new Set(splitList(node.properties[ROLES]));
}

function isBroker(node: KafkaNode): boolean {
  return roleSet(node).has("broker");
}

function isController(node: KafkaNode): boolean {
  return roleSet(node).has("controller");
}

function controllerNames(node: KafkaNode): string[] {
  return splitList(node.properties[CONTROLLER_NAMES]).map((n) => n.toUpperCase());
}

/** The port of the node's first controller listener: the one voters are contacted on. */
function controllerPort(node: KafkaNode): number | undefined {
  const first = controllerNames(node)[0];
  return listenersOf(node, LISTENERS).find((l) => l.name === first)?.port;
}

// ---------------------------------------------------------------------------------------------
// Checks: identity and quorum
// ---------------------------------------------------------------------------------------------

function checkNodeIds(nodes: KafkaNode[]): string[] {
  const out: string[] = [];
  const owners = new Map<number, KafkaNode>();
  for (const node of nodes) {
    const raw = node.properties[NODE_ID];
    const id = nodeIdOf(node);
    if (raw === undefined) out.push(`${at(node)}: node.id is not set`);
    else if (id === undefined) out.push(`${at(node)}: node.id "${raw}" is not a non-negative integer`);
    else {
      const owner = owners.get(id);
      if (owner) out.push(`${at(node)}: duplicate node.id ${id}, also used by ${at(owner)}`);
      else owners.set(id, node);
    }
  }
  return out;
}

function checkRoles(nodes: KafkaNode[]): string[] {
  const out: string[] = [];
  for (const node of nodes) {
    const raw = node.properties[ROLES];
    const roles = splitList(raw);
    const valid = roles.length > 0 && roles.length === new Set(roles).size && roles.every((r) => r === "broker" || r === "controller");
    if (!valid) out.push(`${at(node)}: process.roles ${raw === undefined ? "is not set" : `"${raw}" is not broker, controller or broker,controller`}`);
  }
  if (!nodes.some(isBroker)) out.push("cluster: no node has the broker role");
  if (!nodes.some(isController)) out.push("cluster: no node has the controller role");
  return out;
}

function checkClusterIds(nodes: KafkaNode[]): string[] {
  const out: string[] = [];
  for (const node of nodes) {
    if (node.clusterId === undefined) {
      out.push(`${at(node)}: CLUSTER_ID is not set; the image falls back to its fixed default id ${IMAGE_DEFAULT_CLUSTER_ID}`);
    } else if (node.clusterId === IMAGE_DEFAULT_CLUSTER_ID) {
      out.push(`${at(node)}: CLUSTER_ID is the image's well-known default id; generate one per environment`);
    } else if (!/^[A-Za-z0-9_-]{22}$/.test(node.clusterId)) {
      out.push(`${at(node)}: CLUSTER_ID "${node.clusterId}" is not 22 base64url characters (16 bytes)`);
    }
  }
  const first = nodes.find((n) => n.clusterId !== undefined);
  for (const node of nodes) {
    if (first && node.clusterId !== undefined && node.clusterId !== first.clusterId) {
      out.push(`${at(node)}: CLUSTER_ID ${node.clusterId} differs from ${first.clusterId} on ${at(first)}`);
    }
  }
  return out;
}

interface Voter {
  id: number;
  host: string;
  port: number;
  raw: string;
}

function parseVoters(value: string, where: string, out: string[]): Voter[] {
  const voters: Voter[] = [];
  for (const raw of splitList(value)) {
    const m = /^(\d+)@(\[[^\]]*\]|[^:]+):(\d+)$/.exec(raw);
    if (!m) out.push(`${where}: controller.quorum.voters entry "${raw}" is not <node.id>@<host>:<port>`);
    else voters.push({ id: Number(m[1]), host: m[2] ?? "", port: Number(m[3]), raw });
  }
  return voters;
}

/** Voters reached through each Service that drops not-ready pods from DNS. */
type UnpublishedVoters = Map<any, string[]>;

function checkVoter(voter: Voter, where: string, objects: any[], nodes: KafkaNode[], unpublished: UnpublishedVoters): string[] {
  const target = nodes.find((n) => isController(n) && nodeIdOf(n) === voter.id);
  if (!target) return [`${where}: controller.quorum.voters lists node.id ${voter.id}, which is not a controller-role node`];
  const endpoint = resolveEndpoint(voter.host, voter.port, objects, nodes);
  if (!endpoint) {
    return resolveHost(voter.host, objects, nodes)
      ? [`${where}: controller.quorum.voters entry ${voter.raw}: port ${voter.port} is not exposed by the Service behind ${voter.host}`]
      : [`${where}: controller.quorum.voters entry ${voter.raw}: host ${voter.host} does not resolve to a Kafka pod`];
  }
  const out: string[] = [];
  const expectedPort = controllerPort(target);
  if (endpoint.node !== target) {
    out.push(`${where}: controller.quorum.voters entry ${voter.raw}: host resolves to ${at(endpoint.node)}, not to node ${voter.id} (${at(target)})`);
  } else if (expectedPort !== undefined && endpoint.port !== expectedPort) {
    // Without a controller listener there is no port to compare; the listener check reports that.
    out.push(
      `${where}: controller.quorum.voters entry ${voter.raw}: reaches port ${endpoint.port} of ${at(target)}, not its controller listener port ${expectedPort}`,
    );
  }
  if (endpoint.service?.spec?.publishNotReadyAddresses !== true) {
    unpublished.set(endpoint.service, [...(unpublished.get(endpoint.service) ?? []), voter.raw]);
  }
  return out;
}

/** One validation per distinct voters string, so that a shared mistake is reported once. */
function checkVoterList(value: string, holder: KafkaNode, objects: any[], nodes: KafkaNode[]): string[] {
  const where = at(holder);
  const out: string[] = [];
  const voters = parseVoters(value, where, out);
  const seen = new Set<number>();
  const unpublished: UnpublishedVoters = new Map();
  for (const voter of voters) {
    if (seen.has(voter.id)) out.push(`${where}: controller.quorum.voters lists node.id ${voter.id} twice`);
    seen.add(voter.id);
    out.push(...checkVoter(voter, where, objects, nodes, unpublished));
  }
  for (const [service, entries] of unpublished) {
    out.push(
      `${where}: controller.quorum.voters ${entries.join(",")}: ${describe(service)} lacks publishNotReadyAddresses: true, so the names vanish while pods are not ready and the quorum cannot form`,
    );
  }
  for (const controller of nodes.filter(isController)) {
    const id = nodeIdOf(controller);
    if (id !== undefined && !seen.has(id)) out.push(`${where}: controller.quorum.voters does not list controller-role node ${id} (${at(controller)})`);
  }
  return out;
}

function checkQuorumVoters(objects: any[], nodes: KafkaNode[]): string[] {
  const out: string[] = [];
  const reference = nodes.find((n) => n.properties[VOTERS] !== undefined);
  for (const node of nodes) {
    const value = node.properties[VOTERS];
    if (node.properties["controller.quorum.bootstrap.servers"] !== undefined) {
      out.push(`${at(node)}: controller.quorum.bootstrap.servers is set; the image formats storage for a static quorum, use controller.quorum.voters only`);
    }
    if (value === undefined) out.push(`${at(node)}: controller.quorum.voters is not set`);
    else if (reference && value !== reference.properties[VOTERS]) {
      out.push(`${at(node)}: controller.quorum.voters "${value}" differs from "${reference.properties[VOTERS]}" on ${at(reference)}`);
    }
  }
  const distinct = new Map<string, KafkaNode>();
  for (const node of nodes) {
    const value = node.properties[VOTERS];
    if (value !== undefined && !distinct.has(value)) distinct.set(value, node);
  }
  for (const [value, holder] of distinct) out.push(...checkVoterList(value, holder, objects, nodes));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Checks: listeners
// ---------------------------------------------------------------------------------------------

function checkProtocolMap(node: KafkaNode, listeners: Listener[], advertised: Listener[]): string[] {
  const raw = node.properties[PROTOCOL_MAP];
  if (raw === undefined) return [`${at(node)}: listener.security.protocol.map is not set`];
  const out: string[] = [];
  const mapped = new Set<string>();
  for (const pair of splitList(raw)) {
    const [name, protocol] = pair.split(":").map((s) => s.trim());
    if (!name || !protocol || !["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"].includes(protocol.toUpperCase())) {
      out.push(`${at(node)}: listener.security.protocol.map entry "${pair}" is not NAME:PLAINTEXT|SSL|SASL_PLAINTEXT|SASL_SSL`);
    } else mapped.add(name.toUpperCase());
  }
  const used = new Set([
    ...listeners.map((l) => l.name),
    ...advertised.map((l) => l.name),
    ...controllerNames(node),
    ...splitList(node.properties[INTER_BROKER]).map((n) => n.toUpperCase()),
  ]);
  for (const name of used) {
    if (!mapped.has(name)) out.push(`${at(node)}: listener.security.protocol.map has no entry for listener ${name}`);
  }
  return out;
}

function checkDuplicates(node: KafkaNode, property: string, listeners: Listener[]): string[] {
  const out: string[] = [];
  const names = listeners.map((l) => l.name);
  for (const name of new Set(names)) {
    if (names.filter((n) => n === name).length > 1) out.push(`${at(node)}: ${property} names listener ${name} more than once`);
  }
  return out;
}

function checkListeners(node: KafkaNode): string[] {
  const out = malformedListeners(node, LISTENERS);
  const listeners = listenersOf(node, LISTENERS);
  const advertised = listenersOf(node, ADVERTISED);
  const names = new Set(listeners.map((l) => l.name));
  const controllers = controllerNames(node);
  out.push(...checkDuplicates(node, LISTENERS, listeners));
  if (node.properties[LISTENERS] === undefined) out.push(`${at(node)}: listeners is not set`);
  if (controllers.length === 0) out.push(`${at(node)}: controller.listener.names is not set`);
  const first = controllers[0];
  if (isController(node) && first && !names.has(first)) {
    out.push(`${at(node)}: controller listener ${first} (controller.listener.names) is missing from listeners of this controller-role node`);
  }
  if (isController(node) && !isBroker(node)) {
    for (const l of listeners.filter((l) => !controllers.includes(l.name))) {
      out.push(`${at(node)}: listener ${l.name} on a controller-only node is not a controller listener (Kafka refuses to start)`);
    }
  }
  if (isBroker(node) && !isController(node)) {
    for (const name of controllers.filter((n) => names.has(n))) {
      out.push(`${at(node)}: controller listener ${name} appears in listeners of a broker-only node`);
    }
  }
  const interBroker = node.properties[INTER_BROKER]?.trim().toUpperCase();
  if (!interBroker) out.push(`${at(node)}: inter.broker.listener.name is not set`);
  else if (isBroker(node)) {
    if (!names.has(interBroker)) out.push(`${at(node)}: inter.broker.listener.name ${interBroker} is not in listeners`);
    if (controllers.includes(interBroker)) out.push(`${at(node)}: inter.broker.listener.name ${interBroker} is a controller listener`);
  }
  out.push(...checkProtocolMap(node, listeners, advertised));
  return out;
}

function checkAdvertisedEntry(node: KafkaNode, entry: Listener, listeners: Listener[], objects: any[], nodes: KafkaNode[]): string[] {
  const what = `${at(node)}: advertised.listeners entry ${entry.name}://${entry.host}:${entry.port}`;
  const own = listeners.find((l) => l.name === entry.name);
  if (controllerNames(node).includes(entry.name)) return [`${what}: advertised.listeners must not include the controller listener ${entry.name}`];
  if (!own) return [`${what}: listener ${entry.name} is not in listeners`];
  if (entry.host === "") return [`${what}: empty host (Kafka would advertise the pod's short hostname)`];
  if (entry.host === "0.0.0.0" || entry.host === "[::]") return [`${what}: advertises the non-routable address ${entry.host}`];
  const endpoint = resolveEndpoint(entry.host, entry.port, objects, nodes);
  if (!endpoint) {
    const reached = resolveHost(entry.host, objects, nodes);
    return [
      reached === node
        ? `${what}: port ${entry.port} is not exposed by the Service behind ${entry.host}`
        : `${what}: host ${entry.host} does not resolve to a Kafka pod`,
    ];
  }
  if (endpoint.node !== node) return [`${what}: host resolves to ${at(endpoint.node)}, not to itself`];
  if (endpoint.port !== own.port) return [`${what}: reaches port ${endpoint.port}, not the ${entry.name} listener port ${own.port}`];
  return [];
}

function checkAdvertisedListeners(node: KafkaNode, objects: any[], nodes: KafkaNode[]): string[] {
  const raw = node.properties[ADVERTISED];
  if (!isBroker(node)) {
    // Without a valid role the process.roles check has already said what is wrong.
    if (!isController(node) || raw === undefined) return [];
    return [`${at(node)}: advertised.listeners is set on a controller-only node (the image's configure script exits)`];
  }
  if (raw === undefined) return [`${at(node)}: advertised.listeners is not set on a broker-role node`];
  const out = malformedListeners(node, ADVERTISED);
  const advertised = listenersOf(node, ADVERTISED);
  const listeners = listenersOf(node, LISTENERS);
  out.push(...checkDuplicates(node, ADVERTISED, advertised));
  for (const entry of advertised) out.push(...checkAdvertisedEntry(node, entry, listeners, objects, nodes));
  const interBroker = node.properties[INTER_BROKER]?.trim().toUpperCase();
  if (interBroker && !advertised.some((l) => l.name === interBroker)) {
    out.push(`${at(node)}: advertised.listeners does not contain the inter-broker listener ${interBroker}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Checks: storage and configuration keys
// ---------------------------------------------------------------------------------------------

/** "/a//b/" -> "/a/b": mount paths and directories compared as the kernel sees them. */
function normalizeDir(path: string): string {
  return posix.normalize(path).replace(/(.)\/$/, "$1");
}

/** The mount a path lives on: the deepest mountPath containing it (nested mounts shadow outer ones). */
function mountFor(path: string, mounts: any[]): { mount: any; root: string } | undefined {
  let best: { mount: any; root: string } | undefined;
  for (const mount of mounts) {
    const root = normalizeDir(String(mount.mountPath));
    const inside = path === root || path.startsWith(root === "/" ? "/" : `${root}/`);
    if (inside && (!best || root.length > best.root.length)) best = { mount, root };
  }
  return best;
}

function checkLogDir(node: KafkaNode, property: string, dir: string): string[] {
  const what = `${at(node)}: ${property} directory ${dir}`;
  if (!dir.startsWith("/")) return [`${what} is not an absolute path`];
  const path = normalizeDir(dir);
  const found = mountFor(path, node.container.volumeMounts ?? []);
  if (!found) return [`${what} is on the container filesystem, not on a PersistentVolumeClaim`];
  const { mount, root } = found;
  const volume = (node.podSpec?.volumes ?? []).find((v: any) => v.name === mount.name);
  const out: string[] = [];
  if (!volume?.persistentVolumeClaim) out.push(`${what} is on volume ${mount.name}, which is not a PersistentVolumeClaim`);
  if (path === root) {
    out.push(`${what} equals the mount root of volume ${mount.name}; use a subdirectory (the volume root holds lost+found)`);
  }
  if (mount.readOnly === true) out.push(`${what} is on a read-only mount`);
  return out;
}

function checkLogDirs(node: KafkaNode): string[] {
  const props = node.properties;
  const property = props["log.dirs"] !== undefined ? "log.dirs" : "log.dir";
  // Kafka's own default, /tmp/kafka-logs, is what an unset log.dirs means.
  const dirs = splitList(props["log.dirs"] ?? props["log.dir"] ?? "/tmp/kafka-logs");
  const out = dirs.flatMap((dir) => checkLogDir(node, property, dir));
  const metadata = props["metadata.log.dir"]?.trim();
  if (metadata) out.push(...checkLogDir(node, "metadata.log.dir", metadata));
  return out;
}

const REMOVED_IN_4 = new Set([
  "log.message.format.version",
  "message.format.version",
  "delegation.token.master.key",
  "offsets.commit.required.acks",
  "log.message.timestamp.difference.max.ms",
  "metrics.jmx.blacklist",
  "metrics.jmx.whitelist",
  "auto.include.jmx.reporter",
  "control.plane.listener.name",
]);

function checkRemovedKeys(node: KafkaNode): string[] {
  return Object.keys(node.properties)
    .filter((key) => key.startsWith("zookeeper.") || REMOVED_IN_4.has(key))
    .map((key) => `${at(node)}: ${key} was removed in Kafka 4.0`);
}

/** Only brokers create topics; a controller-only node ignores the setting. */
function checkAutoCreateTopics(node: KafkaNode): string[] {
  const value = node.properties["auto.create.topics.enable"];
  if (!isBroker(node) || value?.trim().toLowerCase() === "false") return [];
  return [`${at(node)}: auto.create.topics.enable is ${value === undefined ? "not set (Kafka defaults to true)" : `"${value}"`}; it must be false`];
}

interface ReplicationRule {
  factor: string;
  factorDefault: number;
  minIsr?: string;
  minIsrDefault?: number;
}

/** Kafka's defaults where a property is absent. */
const REPLICATION_RULES: ReplicationRule[] = [
  { factor: "offsets.topic.replication.factor", factorDefault: 3 },
  { factor: "transaction.state.log.replication.factor", factorDefault: 3, minIsr: "transaction.state.log.min.isr", minIsrDefault: 2 },
  { factor: "default.replication.factor", factorDefault: 1, minIsr: "min.insync.replicas", minIsrDefault: 1 },
  { factor: "share.coordinator.state.topic.replication.factor", factorDefault: 3, minIsr: "share.coordinator.state.topic.min.isr", minIsrDefault: 2 },
];

function intSetting(node: KafkaNode, key: string, fallback: number, out: string[]): { value: number; shown: string } | undefined {
  const raw = node.properties[key];
  if (raw === undefined) return { value: fallback, shown: `${key}=${fallback} (Kafka default)` };
  if (!/^\s*[1-9]\d*\s*$/.test(raw)) {
    out.push(`${at(node)}: ${key} "${raw}" is not a positive integer`);
    return undefined;
  }
  return { value: Number(raw), shown: `${key}=${raw.trim()}` };
}

function checkReplication(nodes: KafkaNode[]): string[] {
  const brokers = nodes.filter(isBroker).length;
  const out: string[] = [];
  for (const node of nodes.filter(isBroker)) {
    for (const rule of REPLICATION_RULES) {
      const factor = intSetting(node, rule.factor, rule.factorDefault, out);
      if (factor && factor.value > brokers) {
        out.push(`${at(node)}: ${factor.shown} exceeds the ${brokers} broker-role node(s); the topics can never be created`);
      }
      if (!rule.minIsr || rule.minIsrDefault === undefined) continue;
      const minIsr = intSetting(node, rule.minIsr, rule.minIsrDefault, out);
      if (factor && minIsr && minIsr.value > factor.value) {
        out.push(`${at(node)}: ${minIsr.shown} exceeds ${factor.shown}; writes with acks=all can never succeed`);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Checks: pod and JVM
// ---------------------------------------------------------------------------------------------

function checkPodSpec(node: KafkaNode): string[] {
  const out: string[] = [];
  const spec = node.podSpec ?? {};
  const c = node.container ?? {};
  if (spec.enableServiceLinks !== false) {
    out.push(`${at(node)}: enableServiceLinks is not false; kubelet injects <SERVICE>_PORT-style variables that the image turns into bogus properties`);
  }
  if (spec.securityContext?.fsGroup === undefined) out.push(`${at(node)}: securityContext.fsGroup is not set; the non-root image cannot write its volume`);
  if ((c.securityContext?.runAsNonRoot ?? spec.securityContext?.runAsNonRoot) !== true) out.push(`${at(node)}: runAsNonRoot is not true`);
  for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
    if (!c[probe]) out.push(`${at(node)}: container ${c.name} has no ${probe}`);
  }
  if (Object.keys(c.resources?.requests ?? {}).length === 0) out.push(`${at(node)}: container ${c.name} has no resources.requests`);
  if (c.resources?.limits?.memory === undefined) out.push(`${at(node)}: container ${c.name} has no resources.limits.memory`);
  return out;
}

/**
 * Maximum heap the JVM gets. kafka-server-start.sh defaults KAFKA_HEAP_OPTS to "-Xmx1G -Xms1G";
 * kafka-run-class.sh passes HEAP, JVM_PERFORMANCE, GC_LOG, JMX, then KAFKA_OPTS (JAVA_TOOL_OPTIONS is
 * read before the command line). The last -Xmx wins, and any -Xmx beats MaxRAMPercentage. Undefined
 * means the JVM's own default (a quarter of the limit).
 */
function maxHeap(env: Record<string, string>, memoryLimit: number): { bytes: number; source: string } | undefined {
  const options = [
    env.JAVA_TOOL_OPTIONS,
    env.KAFKA_HEAP_OPTS || "-Xmx1G -Xms1G",
    env.KAFKA_JVM_PERFORMANCE_OPTS,
    env.KAFKA_GC_LOG_OPTS,
    env.KAFKA_JMX_OPTS,
    env.KAFKA_OPTS,
  ].flatMap((o) => (o ?? "").split(/\s+/));
  let explicit: { bytes: number; source: string } | undefined;
  let relative: { bytes: number; source: string } | undefined;
  for (const option of options) {
    const xmx = /^(?:-Xmx|-XX:MaxHeapSize=)(.+)$/.exec(option);
    const bytes = xmx ? parseJvmSize(xmx[1] ?? "") : undefined;
    if (bytes !== undefined) explicit = { bytes, source: option };
    const percent = /^-XX:MaxRAMPercentage=(\d+(?:\.\d+)?)$/.exec(option);
    if (percent) relative = { bytes: (memoryLimit * Number(percent[1])) / 100, source: option };
  }
  return explicit ?? relative;
}

function checkHeap(node: KafkaNode): string[] {
  const limitRaw = node.container?.resources?.limits?.memory;
  if (limitRaw === undefined) return [];
  const limit = parseKubernetesQuantity(limitRaw);
  if (limit === undefined) return [`${at(node)}: resources.limits.memory "${limitRaw}" is not a Kubernetes quantity`];
  const heap = maxHeap(node.env, limit);
  if (!heap || heap.bytes < limit) return [];
  return [`${at(node)}: JVM heap ${heap.source} (-Xmx) is not strictly below the memory limit ${limitRaw}; the container would be OOM-killed`];
}

// ---------------------------------------------------------------------------------------------
// Checks: workloads, Services, PodDisruptionBudget
// ---------------------------------------------------------------------------------------------

function checkStatefulSet(sts: any, objects: any[], nodes: KafkaNode[]): string[] {
  const what = describe(sts);
  const out: string[] = [];
  if (sts.spec?.podManagementPolicy !== "Parallel") {
    out.push(
      `${what}: podManagementPolicy is ${sts.spec?.podManagementPolicy ?? "OrderedReady (default)"}, must be Parallel; ordered start deadlocks the quorum`,
    );
  }
  const serviceName = sts.spec?.serviceName;
  const service = serviceName ? findObject(objects, "Service", namespaceOf(sts), serviceName) : undefined;
  if (!serviceName) out.push(`${what}: serviceName is not set; its pods get no DNS names`);
  else if (!service) out.push(`${what}: serviceName ${serviceName} names no Service in namespace ${namespaceOf(sts)}`);
  else {
    if (!isHeadless(service)) out.push(`${what}: Service ${serviceName} (serviceName) is not headless (clusterIP: None)`);
    if (service.spec?.publishNotReadyAddresses !== true)
      out.push(`${what}: headless Service ${serviceName} lacks publishNotReadyAddresses: true; pods are not resolvable until ready and the quorum cannot form`);
    const own = nodes.filter((n) => n.workload.kind === "StatefulSet" && n.workload.name === nameOf(sts) && n.namespace === namespaceOf(sts));
    if (own.some((n) => !serviceSelects(service, n.podLabels))) out.push(`${what}: headless Service ${serviceName} does not select all of its pods`);
  }
  (sts.spec?.volumeClaimTemplates ?? []).forEach((claim: any) => {
    if (claim?.apiVersion !== "v1" || claim?.kind !== "PersistentVolumeClaim") {
      out.push(`${what}: volumeClaimTemplate ${nameOf(claim)} lacks apiVersion: v1 / kind: PersistentVolumeClaim (Argo CD shows it OutOfSync forever)`);
    }
  });
  const retention = sts.spec?.persistentVolumeClaimRetentionPolicy ?? {};
  for (const when of ["whenDeleted", "whenScaled"]) {
    if (retention[when] !== undefined && retention[when] !== "Retain")
      out.push(`${what}: persistentVolumeClaimRetentionPolicy.${when} is ${retention[when]}; Kafka data must be retained`);
  }
  return out;
}

function checkDeployment(deployment: any, objects: any[]): string[] {
  const what = describe(deployment);
  const out: string[] = [];
  const replicas = deployment.spec?.replicas ?? 1;
  if (replicas !== 1) out.push(`${what}: replicas is ${replicas}; a Kafka node Deployment must run exactly one pod`);
  if (deployment.spec?.strategy?.type !== "Recreate") {
    out.push(
      `${what}: strategy.type is ${deployment.spec?.strategy?.type ?? "RollingUpdate (default)"}, must be Recreate; two pods with one node.id and volume must never overlap`,
    );
  }
  for (const volume of deployment.spec?.template?.spec?.volumes ?? []) {
    const claim = volume.persistentVolumeClaim?.claimName;
    if (claim && !findObject(objects, "PersistentVolumeClaim", namespaceOf(deployment), claim)) {
      out.push(`${what}: volume ${volume.name} uses PersistentVolumeClaim ${claim}, which is not among the objects`);
    }
  }
  return out;
}

function checkWorkload(workload: any, objects: any[], nodes: KafkaNode[]): string[] {
  const what = describe(workload);
  const out: string[] = [];
  if (!namespaceOf(workload)) out.push(`${what}: metadata.namespace is not set`);
  if (kafkaContainers(workload).length > 1) out.push(`${what}: more than one apache/kafka container in the pod`);
  for (const container of kafkaContainers(workload)) {
    const image = String(container.image);
    if (!/[:@]/.test(image.replace(/^[^/]*\.[^/]*\//, "")) || image.endsWith(":latest")) out.push(`${what}: image ${image} is not pinned to a version tag`);
  }
  const labels = workload.spec?.template?.metadata?.labels ?? {};
  if (!labelSelectorMatches(workload.spec?.selector, labels))
    out.push(`${what}: spec.selector does not match the pod template labels (the API server rejects it)`);
  out.push(...(workload.kind === "StatefulSet" ? checkStatefulSet(workload, objects, nodes) : checkDeployment(workload, objects)));
  return out;
}

function checkBootstrapService(objects: any[], nodes: KafkaNode[]): string[] {
  const brokers = nodes.filter(isBroker);
  const controllersOnly = nodes.filter((n) => isController(n) && !isBroker(n));
  const first = brokers[0];
  if (!first) return [];
  const found = objectsOfKind(objects, "Service", first.namespace).some(
    (s) =>
      hasClusterIp(s) &&
      brokers.every((b) => b.namespace === first.namespace && serviceSelects(s, b.podLabels)) &&
      !controllersOnly.some((c) => c.namespace === first.namespace && serviceSelects(s, c.podLabels)),
  );
  return found
    ? []
    : [
        `cluster: no bootstrap Service: no non-headless Service selects every broker-role pod (${brokers.map((b) => b.pod).join(", ")}) and no controller-only pod`,
      ];
}

function checkDisruptionBudget(objects: any[], nodes: KafkaNode[]): string[] {
  const out: string[] = [];
  const budgetsOf = (node: KafkaNode) =>
    objectsOfKind(objects, "PodDisruptionBudget", node.namespace).filter((p) => labelSelectorMatches(p.spec?.selector, node.podLabels));
  for (const node of nodes) {
    const budgets = budgetsOf(node);
    if (budgets.length > 1) out.push(`${at(node)}: selected by ${budgets.length} PodDisruptionBudgets (${budgets.map(nameOf).join(", ")}); evictions fail`);
  }
  const covering = objects.filter(
    (p) =>
      p?.kind === "PodDisruptionBudget" &&
      p.spec?.maxUnavailable === 1 &&
      nodes.every((n) => namespaceOf(p) === n.namespace && labelSelectorMatches(p.spec?.selector, n.podLabels)),
  );
  if (covering.length === 0) out.push("cluster: no PodDisruptionBudget with maxUnavailable: 1 selects every Kafka pod");
  return out;
}

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

/** Every rule violation of the Kafka cluster the objects describe; [] when it is correct. */
export function checkKafkaCluster(objects: any[]): string[] {
  const nodes = kafkaNodes(objects);
  if (nodes.length === 0) return ["cluster: no Kafka pods (no StatefulSet or Deployment runs an apache/kafka container)"];
  return [
    ...nodes.flatMap((n) => n.problems),
    ...checkNodeIds(nodes),
    ...checkRoles(nodes),
    ...checkClusterIds(nodes),
    ...checkQuorumVoters(objects, nodes),
    ...nodes.flatMap(checkListeners),
    ...nodes.flatMap((n) => checkAdvertisedListeners(n, objects, nodes)),
    ...nodes.flatMap(checkLogDirs),
    ...nodes.flatMap(checkRemovedKeys),
    ...checkReplication(nodes),
    ...nodes.flatMap(checkAutoCreateTopics),
    ...nodes.flatMap(checkPodSpec),
    ...nodes.flatMap(checkHeap),
    ...kafkaWorkloads(objects).flatMap((w) => checkWorkload(w, objects, nodes)),
    ...checkBootstrapService(objects, nodes),
    ...checkDisruptionBudget(objects, nodes),
  ];
}
