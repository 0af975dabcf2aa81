// review/state: what a reviewer and the risk rules need to know about each
// environment, read back from kafka-gitops' own generated files (overlays/<env>/,
// base/, clusters/). It never runs kubectl, so the same function reads the
// committed tree (from disk or from a git revision) and a freshly rendered
// in-memory tree. Pure; a file it cannot read leaves that field undefined
// rather than failing, because old or hand-edited trees must not stop a scaffold.
import { CONTAINER_NAME, dirs, labels as labelKeys } from "../layout.js";
import type { FileTree } from "../render/tree.js";
import { parseYamlDocuments } from "../yaml-format.js";

export interface SyncPolicy {
  automated: boolean;
  prune: boolean;
  selfHeal: boolean;
}

export interface EnvironmentState {
  name: string;
  namespace?: string;
  /** statefulset or deployment-per-broker. */
  workload?: string;
  /** The base/ folders the overlay builds on (base/common included): a change elsewhere in base/ cannot touch it. */
  inputs: string[];
  /** combined (voters are also brokers) or dedicated (controller-only voters). */
  topology?: "combined" | "dedicated";
  /** Kafka nodes with the broker role. */
  brokers?: number;
  /** Every Kafka node, controller-only ones included. */
  nodes?: number;
  /** controller.quorum.voters as written (host names change with the workload and namespace). */
  voters?: string;
  /** node.id of each KRaft voter, in the order of `voters`: the voter set proper. */
  voterIds?: number[];
  clusterId?: string;
  /** Data volume of each broker. */
  storage?: { size: string; storageClass?: string };
  /** Data volume of each controller-only node (dedicated topology). */
  controllerStorage?: { size: string; storageClass?: string };
  /** Effective image reference, e.g. apache/kafka:4.3.1. */
  image?: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  heap?: string;
  /** Effective server.properties keys from base/common/kafka.env and the overlay's kafka.env (without CLUSTER_ID and the voters). */
  settings: Record<string, string>;
  /** From the Argo CD Application under clusters/ that deploys this environment, if there is one. */
  sync?: SyncPolicy & {
    application: string;
    /** The Application carries Argo CD's resources finalizer: deleting it deletes everything it deployed. */
    cascadeDelete: boolean;
  };
}

export type EnvironmentStates = ReadonlyMap<string, EnvironmentState>;

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const asObj = (v: unknown): Obj => (isObj(v) ? v : {});
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const asString = (v: unknown): string | undefined => (typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined);

// Parsed documents by file text: every environment reads its base files and the clusters' AppProjects,
// which are the same text for all of them, so each text is parsed once. Callers only read the objects.
const parsedDocs = new WeakMap<FileTree, Map<string, Obj[]>>();

function docs(tree: FileTree, path: string): Obj[] {
  const text = tree.get(path);
  if (text === undefined) return [];
  let cache = parsedDocs.get(tree);
  if (!cache) parsedDocs.set(tree, (cache = new Map()));
  let parsed = cache.get(text);
  if (parsed === undefined) {
    try {
      parsed = parseYamlDocuments(text).filter(isObj);
    } catch {
      parsed = [];
    }
    cache.set(text, parsed);
  }
  return parsed;
}

/** KEY=value lines of a configMapGenerator env file; `#` lines are comments. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || !line.includes("=")) continue;
    const eq = line.indexOf("=");
    out[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return out;
}

/** Inverse of the image's KAFKA_* encoding: `_` -> `.`, `__` -> `_`, `___` -> `-`, lower case. */
export function propertyFor(envName: string): string | undefined {
  if (!envName.startsWith("KAFKA_")) return undefined;
  const s = envName.slice("KAFKA_".length).toLowerCase();
  let out = "";
  for (let i = 0; i < s.length; ) {
    if (s[i] !== "_") {
      out += s[i++];
      continue;
    }
    let run = 0;
    while (s[i] === "_") {
      run++;
      i++;
    }
    out += run === 1 ? "." : run === 2 ? "_" : run === 3 ? "-" : "_".repeat(run);
  }
  return out;
}

const VOTERS_VAR = "KAFKA_CONTROLLER_QUORUM_VOTERS";

/** Environments in name order: every folder under overlays/ with a kustomization.yaml. */
export function environmentStates(tree: FileTree): Map<string, EnvironmentState> {
  const names = new Set<string>();
  for (const path of tree.keys()) {
    const m = /^overlays\/([^/]+)\/kustomization\.yaml$/.exec(path);
    if (m) names.add(m[1]!);
  }
  const common = parseEnvFile(tree.get(`${dirs.common}/kafka.env`) ?? "");
  const states = new Map<string, EnvironmentState>();
  for (const name of [...names].sort()) states.set(name, environmentState(tree, name, common));
  attachSyncPolicies(tree, states);
  return states;
}

function environmentState(tree: FileTree, name: string, common: Record<string, string>): EnvironmentState {
  const dir = dirs.overlay(name);
  const kustomization = docs(tree, `${dir}/kustomization.yaml`)[0] ?? {};
  const state: EnvironmentState = { name, settings: {}, inputs: [] };

  const namespace = asString(kustomization["namespace"]);
  if (namespace !== undefined) state.namespace = namespace;

  // base/ folders the overlay builds on, in order: the workload variant (statefulset, statefulset-dedicated,
  // deployment-per-broker), base/common and the image component.
  const baseDirs = [...asList(kustomization["resources"]), ...asList(kustomization["components"])]
    .map(asString)
    .map((r) => (r === undefined ? undefined : /(?:^|\/)base\/([^/]+)\/?$/.exec(r)?.[1]))
    .filter((w): w is string => w !== undefined)
    .map((w) => `base/${w}`);
  const variant = baseDirs.find((d) => d !== dirs.common && d !== dirs.image);
  state.inputs = [...new Set([...baseDirs, dirs.common])].sort();
  if (variant !== undefined) state.workload = variant.endsWith("deployment-per-broker") ? "deployment-per-broker" : variant.includes("statefulset") ? "statefulset" : variant.slice(5);

  const env = parseEnvFile(tree.get(`${dir}/kafka.env`) ?? "");
  if (env["CLUSTER_ID"] !== undefined) state.clusterId = env["CLUSTER_ID"];
  const voters = env[VOTERS_VAR] ?? common[VOTERS_VAR];
  if (voters !== undefined) {
    state.voters = voters;
    state.voterIds = voters
      .split(",")
      .map((v) => Number(v.split("@")[0]))
      .filter((n) => Number.isInteger(n));
  }
  for (const [k, v] of Object.entries({ ...common, ...env })) {
    if (k === "CLUSTER_ID" || k === VOTERS_VAR) continue;
    const key = propertyFor(k);
    if (key !== undefined) state.settings[key] = v;
  }

  const image = effectiveImage(tree, kustomization, baseDirs);
  if (image !== undefined) state.image = image;

  // Per-role pod settings come from the overlay's patch files (statefulsets.yaml, controller-statefulset.yaml, ...),
  // told apart by their target: a patch that selects component=controller is for controller-only nodes.
  const patches = asList(kustomization["patches"]).filter(isObj);
  const patchObjects = (controllers: boolean) =>
    patches
      .filter((p) => selectsControllersOnly(p) === controllers)
      .map((p) => asString(p["path"]))
      .filter((p): p is string => p !== undefined)
      .flatMap((p) => docs(tree, `${dir}/${p}`));
  // Deployment per broker: one file per node with its Deployment, Service and PVC.
  const nodeFiles = asList(kustomization["resources"])
    .map(asString)
    .filter((r): r is string => r !== undefined && !r.startsWith("../") && /\.ya?ml$/.test(r))
    .map((r) => docs(tree, `${dir}/${r}`))
    .filter((objs) => objs.some((o) => o["kind"] === "Deployment"));
  const isControllerOnly = (objs: Obj[]) => objs.some((o) => o["kind"] === "Deployment" && roles(kafkaContainer(o))?.includes("broker") === false);
  const brokerObjects = [...patchObjects(false), ...nodeFiles.filter((f) => !isControllerOnly(f)).flat()];
  const controllerObjects = [...patchObjects(true), ...nodeFiles.filter(isControllerOnly).flat()];
  readPodSettings(state, brokerObjects);
  const storage = firstStorage(brokerObjects);
  if (storage) state.storage = storage;
  const controllerStorage = firstStorage(controllerObjects);
  if (controllerStorage) state.controllerStorage = controllerStorage;
  readNodeCounts(state, tree, kustomization, variant, nodeFiles.flat());
  return state;
}

function selectsControllersOnly(patch: Obj): boolean {
  const selector = asString(asObj(patch["target"])["labelSelector"]) ?? "";
  return selector.split(",").some((term) => term.trim() === `${labelKeys.component}=controller`);
}

function imageRef(entry: Obj): string | undefined {
  const name = asString(entry["newName"]) ?? asString(entry["name"]);
  if (name === undefined) return undefined;
  const digest = asString(entry["digest"]);
  if (digest !== undefined) return `${name}@${digest}`;
  const tag = asString(entry["newTag"]);
  return tag !== undefined ? `${name}:${tag}` : name;
}

/** The overlay's `images:` entry wins over the one in a base folder it builds on (base/image, or the workload base in older trees). */
function effectiveImage(tree: FileTree, kustomization: Obj, baseDirs: string[]): string | undefined {
  for (const k of [kustomization, ...baseDirs.map((d) => docs(tree, `${d}/kustomization.yaml`)[0] ?? {})]) {
    const entry = asList(k["images"]).filter(isObj)[0];
    if (entry) return imageRef(entry);
  }
  return undefined;
}

function kafkaContainer(obj: Obj): Obj | undefined {
  const containers = asList(asObj(asObj(asObj(obj["spec"])["template"])["spec"])["containers"]).filter(isObj);
  return containers.find((c) => c["name"] === CONTAINER_NAME);
}

function envValue(container: Obj | undefined, name: string): string | undefined {
  const entry = asList(container?.["env"]).filter(isObj).find((e) => e["name"] === name);
  return entry ? asString(entry["value"]) : undefined;
}

function stringMap(v: unknown): Record<string, string> | undefined {
  if (!isObj(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    const s = asString(val);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

function readPodSettings(state: EnvironmentState, objects: Obj[]): void {
  for (const obj of objects) {
    const container = kafkaContainer(obj);
    if (!container) continue;
    const resources = asObj(container["resources"]);
    const requests = stringMap(resources["requests"]);
    const limits = stringMap(resources["limits"]);
    if (state.resources === undefined && (requests || limits)) state.resources = { ...(requests && { requests }), ...(limits && { limits }) };
    const heap = /-Xmx(\S+)/.exec(envValue(container, "KAFKA_HEAP_OPTS") ?? "")?.[1];
    if (state.heap === undefined && heap !== undefined) state.heap = heap;
  }
}

function claimStorage(claim: Obj): EnvironmentState["storage"] {
  const spec = asObj(claim["spec"]);
  const size = asString(asObj(asObj(spec["resources"])["requests"])["storage"]);
  if (size === undefined) return undefined;
  const storageClass = asString(spec["storageClassName"]);
  return { size, ...(storageClass !== undefined && { storageClass }) };
}

/** The data volume: a StatefulSet patch's claim template, or the first standalone PVC (Deployment per broker). */
function firstStorage(objects: Obj[]): EnvironmentState["storage"] {
  for (const obj of objects) {
    const templates = asList(asObj(obj["spec"])["volumeClaimTemplates"]).filter(isObj);
    const claim = templates[0] ?? (obj["kind"] === "PersistentVolumeClaim" ? obj : undefined);
    const storage = claim && claimStorage(claim);
    if (storage) return storage;
  }
  return undefined;
}

function roles(container: Obj | undefined): string[] | undefined {
  return envValue(container, "KAFKA_PROCESS_ROLES")?.split(",");
}

/**
 * Brokers and nodes. StatefulSet: the overlay's `replicas:` counts, each
 * StatefulSet's roles read from base/<workload>. Deployment per broker: one
 * Deployment per node in the overlay, roles in its own env.
 */
function readNodeCounts(state: EnvironmentState, tree: FileTree, kustomization: Obj, variant: string | undefined, nodeObjects: Obj[]): void {
  const replicas = asList(kustomization["replicas"]).filter(isObj);
  if (replicas.length > 0) {
    const rolesByName = new Map<string, string[]>();
    if (variant !== undefined) {
      const base = docs(tree, `${variant}/kustomization.yaml`)[0] ?? {};
      for (const r of asList(base["resources"]).map(asString)) {
        if (r === undefined || r.startsWith("../")) continue;
        for (const obj of docs(tree, `${variant}/${r}`)) {
          const name = asString(asObj(obj["metadata"])["name"]);
          const rs = roles(kafkaContainer(obj));
          if (name !== undefined && rs) rolesByName.set(name, rs);
        }
      }
    }
    let nodes = 0;
    let brokers = 0;
    let controllerOnly = false;
    for (const r of replicas) {
      const count = Number(r["count"]);
      if (!Number.isInteger(count)) return;
      nodes += count;
      // Unknown roles (no base in the tree): count the node as a broker, as every combined layout has it.
      const rs = rolesByName.get(asString(r["name"]) ?? "");
      if (rs?.includes("broker") ?? true) brokers += count;
      else if (count > 0) controllerOnly = true;
    }
    state.nodes = nodes;
    state.brokers = brokers;
    state.topology = controllerOnly ? "dedicated" : "combined";
    return;
  }
  const deployments = nodeObjects.filter((o) => o["kind"] === "Deployment");
  if (deployments.length > 0) {
    state.nodes = deployments.length;
    state.brokers = deployments.filter((d) => roles(kafkaContainer(d))?.includes("broker") ?? true).length;
    state.topology = state.brokers < state.nodes ? "dedicated" : "combined";
  }
}

function applicationPaths(spec: Obj): string[] {
  return [asObj(spec["source"]), ...asList(spec["sources"]).filter(isObj)].map((s) => asString(s["path"])).filter((p): p is string => p !== undefined);
}

/**
 * Finds each environment's Argo CD Application under clusters/: by the
 * environment label, else by a source path ending in overlays/<env>, else by
 * its destination namespace when exactly one environment runs there.
 */
function attachSyncPolicies(tree: FileTree, states: Map<string, EnvironmentState>): void {
  const apps: Obj[] = [];
  for (const path of tree.keys()) if (/^clusters\/.+\.ya?ml$/.test(path)) apps.push(...docs(tree, path).filter((o) => o["kind"] === "Application"));
  // Environments by namespace, built once: looking them up per Application would scan every environment each time.
  const inNamespace = new Map<string, EnvironmentState[]>();
  for (const s of states.values()) {
    if (s.namespace === undefined) continue;
    const list = inNamespace.get(s.namespace);
    if (list) list.push(s);
    else inNamespace.set(s.namespace, [s]);
  }
  for (const app of apps) {
    const meta = asObj(app["metadata"]);
    const spec = asObj(app["spec"]);
    const byLabel = asString(asObj(meta["labels"])[labelKeys.environment]);
    const byPath = applicationPaths(spec)
      .map((p) => /(?:^|\/)overlays\/([^/]+)\/?$/.exec(p)?.[1])
      .find((e) => e !== undefined);
    const namespace = asString(asObj(spec["destination"])["namespace"]);
    const byNamespace = (namespace !== undefined && inNamespace.get(namespace)) || [];
    const env = [byLabel, byPath].find((e) => e !== undefined && states.has(e)) ?? (byNamespace.length === 1 ? byNamespace[0]!.name : undefined);
    const state = env !== undefined ? states.get(env) : undefined;
    if (!state || state.sync) continue;
    const automated = asObj(asObj(spec["syncPolicy"])["automated"]);
    const isAutomated = isObj(asObj(spec["syncPolicy"])["automated"]) && automated["enabled"] !== false;
    state.sync = {
      application: asString(meta["name"]) ?? "(unnamed)",
      cascadeDelete: asList(meta["finalizers"]).some((f) => typeof f === "string" && f.startsWith("resources-finalizer.argocd.argoproj.io")),
      automated: isAutomated,
      prune: automated["prune"] === true,
      selfHeal: automated["selfHeal"] === true,
    };
  }
}
