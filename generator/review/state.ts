// review/state: reads each environment's state (model/state.ts) back out of a
// tree of generated files: the committed side of every comparison (a git
// revision, a hand-edited pull request, an older generator's output). It never
// runs kubectl. Pure. Whatever it cannot read is left unknown AND reported as a
// problem naming the file, so the guards can fail closed while the review can
// still show the rest.
import type { Workload } from "../config/schema.js";
import { CONTAINER_NAME, dirs, labels as labelKeys } from "../layout.js";
import type { Role } from "../model/model.js";
import type { EnvironmentState, NodeState, PartialEnvironmentState, Resources, Volume } from "../model/state.js";
import { zoneText } from "../model/state.js";
import type { FileTree } from "../render/tree.js";
import { parseYamlDocuments } from "../yaml-format.js";

export interface StateProblem {
  /** Repository-relative file the problem is in (or that is missing). */
  file: string;
  message: string;
  /** The file does not exist in the tree (an older revision may still have it). */
  missing?: boolean;
}

export interface ParsedStates {
  states: Map<string, PartialEnvironmentState>;
  /** Everything that could not be read, per file; empty for a complete generated tree. */
  problems: StateProblem[];
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const asObj = (v: unknown): Obj => (isObj(v) ? v : {});
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const asString = (v: unknown): string | undefined => (typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined);
const sortedRecord = (r: Record<string, string>) =>
  Object.fromEntries(
    Object.keys(r)
      .sort()
      .map((k) => [k, r[k]!]),
  );

/** KEY=value lines of a configMapGenerator env file; `#` lines and blank lines are comments. */
export function parseEnvFile(text: string): { vars: Record<string, string>; bad: number[] } {
  const vars: Record<string, string> = {};
  const bad: number[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.startsWith("#") || line.trim() === "") return;
    const eq = line.indexOf("=");
    if (eq <= 0) bad.push(i + 1);
    else vars[line.slice(0, eq).trim()] = line.slice(eq + 1);
  });
  return { vars, bad };
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
const OVERLAY = /^overlays\/([^/]+)\/kustomization\.yaml$/;

/** Reads files of one tree, remembering every problem once. */
class Reader {
  readonly problems: StateProblem[] = [];
  private readonly seen = new Set<string>();
  private readonly cache = new Map<string, Obj[] | undefined>();
  constructor(readonly tree: FileTree) {}

  problem(file: string, message: string, missing = false): void {
    const key = `${file}\0${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.problems.push({ file, message, ...(missing && { missing }) });
  }

  text(path: string, why: string): string | undefined {
    const text = this.tree.get(path);
    if (text === undefined) this.problem(path, `missing (${why})`, true);
    return text;
  }

  /** The YAML objects of a file; undefined (and a problem) when it is missing or not YAML. */
  docs(path: string, why: string): Obj[] | undefined {
    if (this.cache.has(path)) return this.cache.get(path);
    const text = this.text(path, why);
    let out: Obj[] | undefined;
    if (text !== undefined) {
      try {
        out = parseYamlDocuments(text).filter(isObj);
      } catch (err) {
        this.problem(path, `not readable as YAML: ${(err as Error).message}`);
      }
    }
    this.cache.set(path, out);
    return out;
  }

  env(path: string, why: string): Record<string, string> | undefined {
    const text = this.text(path, why);
    if (text === undefined) return undefined;
    const { vars, bad } = parseEnvFile(text);
    if (bad.length) this.problem(path, `line ${bad.join(", ")} is not KEY=value`);
    return vars;
  }
}

/** Every environment of the tree (an overlay, or an Argo CD Application that deploys one), in name order. */
export function parseEnvironmentStates(tree: FileTree): ParsedStates {
  const r = new Reader(tree);
  const apps = applications(r);
  const names = new Set<string>();
  for (const path of tree.keys()) {
    const m = OVERLAY.exec(path);
    if (m) names.add(m[1]!);
  }
  for (const app of apps) if (app.env !== undefined) names.add(app.env);
  const states = new Map<string, PartialEnvironmentState>();
  for (const name of [...names].sort()) {
    const state = environmentState(r, name);
    const app = apps.find((a) => a.env === name);
    if (app) Object.assign(state, app.fields);
    else r.problem(`clusters/`, `no Argo CD Application deploys overlays/${name} (app-${name}.yaml of its cluster folder is missing)`);
    states.set(name, state);
  }
  return { states, problems: r.problems };
}

/** The states alone, for callers that show what they can and ignore the rest. */
export function environmentStates(tree: FileTree): Map<string, PartialEnvironmentState> {
  return parseEnvironmentStates(tree).states;
}

function environmentState(r: Reader, name: string): PartialEnvironmentState {
  const dir = dirs.overlay(name);
  const kPath = `${dir}/kustomization.yaml`;
  const state: PartialEnvironmentState = { name };
  const kustomization = r.docs(kPath, `the overlay of environment ${name}`)?.[0];
  if (!kustomization) return state;

  const namespace = asString(kustomization["namespace"]);
  if (namespace !== undefined) state.namespace = namespace;
  else r.problem(kPath, "has no namespace");

  // base/ folders the overlay builds on: the workload variant, base/common and the image component.
  const refs = [...asList(kustomization["resources"]), ...asList(kustomization["components"])].map(asString);
  const baseDirs = refs
    .map((ref) => (ref === undefined ? undefined : /(?:^|\/)base\/([^/]+)\/?$/.exec(ref)?.[1]))
    .filter((w): w is string => w !== undefined)
    .map((w) => `base/${w}`);
  const variant = baseDirs.find((d) => d !== dirs.common && d !== dirs.image);
  if (variant === undefined) r.problem(kPath, "builds on no base/ workload folder");
  else {
    state.inputs = [...new Set([...baseDirs, dirs.common])].sort();
    const workload: Workload | undefined =
      variant === dirs.workload("deployment-per-broker")
        ? "deployment-per-broker"
        : variant.startsWith(dirs.workload("statefulset"))
          ? "statefulset"
          : undefined;
    if (workload) state.workload = workload;
    else r.problem(kPath, `builds on an unknown workload folder ${variant}`);
  }

  // Everything the overlay patches carries the instance label: kafka.name, the prefix of every object name.
  const patches = asList(kustomization["patches"]).filter(isObj);
  const instance = patches
    .map((p) => asString(asObj(p["target"])["labelSelector"]))
    .flatMap((s) => (s ?? "").split(","))
    .map((term) => term.trim())
    .find((term) => term.startsWith(`${labelKeys.instance}=`));
  if (instance !== undefined) state.kafkaName = instance.slice(labelKeys.instance.length + 1);
  else r.problem(kPath, `no patch selects ${labelKeys.instance}=<kafka.name>`);

  readSettings(r, state, `${dir}/kafka.env`);
  if (refs.includes("security.yaml")) readUsers(r, state, `${dir}/security.yaml`);
  const image = effectiveImage(r, kustomization, baseDirs);
  if (image !== undefined) state.image = image;
  else r.problem(kPath, "no images: entry here or in the base/ folders it builds on");

  // Per-role pod settings come from the overlay's patch files, told apart by their target:
  // a patch that selects component=controller is for controller-only nodes.
  const patchObjects = (controllers: boolean) =>
    patches
      .filter((p) => selectsControllersOnly(p) === controllers)
      .map((p) => asString(p["path"]))
      .filter((p): p is string => p !== undefined)
      .flatMap((p) => r.docs(`${dir}/${p}`, `a patch of ${kPath}`) ?? []);
  const brokerPatches = patchObjects(false);
  const controllerPatches = patchObjects(true);

  if (state.workload === "statefulset") statefulSetNodes(r, state, kustomization, kPath, variant!, patches, [...brokerPatches, ...controllerPatches]);
  const nodeFiles =
    state.workload === "deployment-per-broker"
      ? asList(kustomization["resources"])
          .map(asString)
          .filter((p): p is string => p !== undefined && !p.startsWith("../") && /\.ya?ml$/.test(p))
          .map((p) => ({ path: `${dir}/${p}`, objects: r.docs(`${dir}/${p}`, `a resource of ${kPath}`) ?? [] }))
          .filter((f) => f.objects.some((o) => o["kind"] === "Deployment"))
      : [];
  if (state.workload === "deployment-per-broker") deploymentNodes(r, state, kPath, nodeFiles);

  const controllerOnly = (n: NodeState) => !n.roles.includes("broker");
  if (state.nodes) {
    state.brokers = state.nodes.filter((n) => n.roles.includes("broker")).length;
    state.topology = state.nodes.some(controllerOnly) ? "dedicated" : "combined";
  }
  // Volumes: a StatefulSet patch's claim template, or each node's own PVC (Deployment per broker).
  const claims = nodeFiles.flatMap((f) => f.objects.filter((o) => o["kind"] === "PersistentVolumeClaim"));
  const claimFor = (controllers: boolean) =>
    claims.filter((c) => {
      const node = state.nodes?.find((n) => n.claim === asString(asObj(c["metadata"])["name"]));
      return node !== undefined && controllerOnly(node) === controllers;
    });
  const sizing = (objects: Obj[], pvcs: Obj[], file: string) => {
    const storage = firstStorage([...objects, ...pvcs]);
    if (!storage) r.problem(file, "no data volume (claim template or PersistentVolumeClaim) found");
    const pod = podSettings(objects);
    if (!pod.resources || pod.heap === undefined) r.problem(file, "no resources and heap of the kafka container found");
    return { storage, ...pod };
  };
  const brokerFile = patches.map((p) => asString(p["path"])).find((p, i) => p !== undefined && !selectsControllersOnly(patches[i]!));
  const broker = sizing(brokerPatches, claimFor(false), brokerFile ? `${dir}/${brokerFile}` : kPath);
  if (broker.storage) state.storage = broker.storage;
  if (broker.resources) state.resources = broker.resources;
  if (broker.heap !== undefined) state.heap = broker.heap;
  if (state.topology === "dedicated") {
    const file = patches.map((p) => asString(p["path"])).find((p, i) => p !== undefined && selectsControllersOnly(patches[i]!));
    const c = sizing(controllerPatches, claimFor(true), file ? `${dir}/${file}` : kPath);
    if (c.storage && c.resources && c.heap !== undefined) state.controllerNodes = { storage: c.storage, resources: c.resources, heap: c.heap };
  }
  return state;
}

/** The users of a secured overlay: the users Job's arguments (SCRAM) and the Certificates labelled with a user (mTLS). */
function readUsers(r: Reader, state: PartialEnvironmentState, path: string): void {
  const docs = r.docs(path, "the environment's security objects");
  if (!docs) return;
  const users: string[] = [];
  for (const d of docs) {
    const kind = asString(d["kind"]);
    if (kind === "Job") {
      const c = asObj(asList(asObj(asObj(asObj(d["spec"])["template"])["spec"])["containers"])[0]);
      for (const a of asList(c["args"])) if (typeof a === "string") users.push(a);
    } else if (kind === "Certificate") {
      const u = asString(asObj(asObj(d["metadata"])["labels"])[labelKeys.user]);
      if (u !== undefined) users.push(u);
    }
  }
  state.users = [...new Set(users)].sort();
}

function readSettings(r: Reader, state: PartialEnvironmentState, path: string): void {
  const common = r.env(`${dirs.common}/kafka.env`, "the settings every environment shares") ?? {};
  const env = r.env(path, "CLUSTER_ID and the voters");
  if (!env) return;
  if (env["CLUSTER_ID"] !== undefined) state.clusterId = env["CLUSTER_ID"];
  else r.problem(path, "has no CLUSTER_ID");
  const voters = env[VOTERS_VAR] ?? common[VOTERS_VAR];
  if (voters !== undefined) {
    state.voters = voters;
    const ids = voters.split(",").map((v) => Number(v.split("@")[0]));
    if (ids.every((n) => Number.isInteger(n) && n >= 0)) state.voterIds = ids;
    else r.problem(path, `${VOTERS_VAR} is not a list of <node.id>@<host>:<port>`);
  } else r.problem(path, `has no ${VOTERS_VAR}`);
  const settings: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...common, ...env })) {
    if (k === "CLUSTER_ID" || k === VOTERS_VAR) continue;
    const key = propertyFor(k);
    if (key !== undefined) settings[key] = v;
  }
  state.settings = sortedRecord(settings);
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
function effectiveImage(r: Reader, kustomization: Obj, baseDirs: string[]): string | undefined {
  for (const k of [kustomization, ...baseDirs.map((d) => r.docs(`${d}/kustomization.yaml`, "a base/ folder an overlay builds on")?.[0] ?? {})]) {
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
  const entry = asList(container?.["env"])
    .filter(isObj)
    .find((e) => e["name"] === name);
  return entry ? asString(entry["value"]) : undefined;
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(asObj(v))) {
    const s = asString(val);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

function podSettings(objects: Obj[]): { resources?: Resources; heap?: string } {
  for (const obj of objects) {
    const container = kafkaContainer(obj);
    if (!container || !isObj(container["resources"])) continue;
    const resources = asObj(container["resources"]);
    const heap = /-Xmx(\S+)/.exec(envValue(container, "KAFKA_HEAP_OPTS") ?? "")?.[1];
    return { resources: { requests: stringMap(resources["requests"]), limits: stringMap(resources["limits"]) }, ...(heap !== undefined && { heap }) };
  }
  return {};
}

function claimStorage(claim: Obj): Volume | undefined {
  const spec = asObj(claim["spec"]);
  const size = asString(asObj(asObj(spec["resources"])["requests"])["storage"]);
  if (size === undefined) return undefined;
  const storageClass = asString(spec["storageClassName"]);
  return { size, ...(storageClass !== undefined && { storageClass }) };
}

/** The data volume: a StatefulSet patch's claim template, or the first standalone PVC (Deployment per broker). */
function firstStorage(objects: Obj[]): Volume | undefined {
  for (const obj of objects) {
    const claim = asList(asObj(obj["spec"])["volumeClaimTemplates"]).filter(isObj)[0] ?? (obj["kind"] === "PersistentVolumeClaim" ? obj : undefined);
    const storage = claim && claimStorage(claim);
    if (storage) return storage;
  }
  return undefined;
}

function rolesOf(container: Obj | undefined): Role[] | undefined {
  const value = envValue(container, "KAFKA_PROCESS_ROLES");
  if (value === undefined) return undefined;
  const roles = value.split(",").map((s) => s.trim());
  return roles.every((x): x is Role => x === "broker" || x === "controller") ? [...roles].sort() : undefined;
}

/**
 * StatefulSet: the StatefulSets and their roles from base/<variant>, their
 * sizes from the overlay's `replicas:`, the first ordinal of each from its
 * `ordinals.start` patch (pod ordinal == node.id), the claim template's name
 * from the overlay's patch.
 */
function statefulSetNodes(
  r: Reader,
  state: PartialEnvironmentState,
  kustomization: Obj,
  kPath: string,
  variant: string,
  patches: Obj[],
  patchObjects: Obj[],
): void {
  const basePath = `${variant}/kustomization.yaml`;
  const base = r.docs(basePath, `the workload base of ${kPath}`)?.[0];
  if (!base) return;
  const sets: Array<{ name: string; roles: Role[] }> = [];
  for (const ref of asList(base["resources"]).map(asString)) {
    if (ref === undefined || ref.startsWith("../")) continue;
    for (const obj of r.docs(`${variant}/${ref}`, `a resource of ${basePath}`) ?? []) {
      if (obj["kind"] !== "StatefulSet") continue;
      const name = asString(asObj(obj["metadata"])["name"]);
      const roles = rolesOf(kafkaContainer(obj));
      if (name !== undefined && roles) sets.push({ name, roles });
      else r.problem(`${variant}/${ref}`, "a StatefulSet without a name or KAFKA_PROCESS_ROLES");
    }
  }
  if (sets.length === 0) return r.problem(basePath, "lists no Kafka StatefulSet");
  const counts = new Map<string, number>();
  for (const entry of asList(kustomization["replicas"]).filter(isObj)) {
    const name = asString(entry["name"]);
    const count = Number(entry["count"]);
    if (name !== undefined && Number.isInteger(count) && count >= 0) counts.set(name, count);
    else r.problem(kPath, "a replicas: entry without a name or a whole count");
  }
  const starts = new Map<string, number>();
  for (const p of patches) {
    const inline = asString(p["patch"]);
    if (inline === undefined) continue;
    try {
      for (const obj of parseYamlDocuments(inline).filter(isObj)) {
        const start = Number(asObj(asObj(obj["spec"])["ordinals"])["start"]);
        const name = asString(asObj(obj["metadata"])["name"]);
        if (name !== undefined && Number.isInteger(start)) starts.set(name, start);
      }
    } catch (err) {
      r.problem(kPath, `an inline patch is not readable as YAML: ${(err as Error).message}`);
    }
  }
  const template = patchObjects.flatMap((o) => asList(asObj(o["spec"])["volumeClaimTemplates"]).filter(isObj))[0];
  const templateName = asString(asObj(template?.["metadata"])["name"]);
  if (templateName === undefined) return r.problem(kPath, "its StatefulSet patches carry no volume claim template");
  const nodes: NodeState[] = [];
  for (const set of sets) {
    const count = counts.get(set.name);
    if (count === undefined) return r.problem(kPath, `no replicas: count for StatefulSet ${set.name}`);
    const first = starts.get(set.name) ?? 0;
    for (let id = first; id < first + count; id++) {
      const pod = `${set.name}-${id}`;
      nodes.push({ id, roles: set.roles, pod, claim: `${templateName}-${pod}` });
    }
  }
  state.nodes = nodes.sort((a, b) => a.id - b.id);
}

/** Deployment per broker: one file per node with its Deployment (node.id, roles, claim), Service and PVC. */
function deploymentNodes(r: Reader, state: PartialEnvironmentState, kPath: string, files: Array<{ path: string; objects: Obj[] }>): void {
  if (files.length === 0) return r.problem(kPath, "lists no per-node Deployment files (brokers/<node>.yaml)");
  const nodes: NodeState[] = [];
  for (const f of files) {
    const deployment = f.objects.find((o) => o["kind"] === "Deployment")!;
    const pod = asString(asObj(deployment["metadata"])["name"]);
    const container = kafkaContainer(deployment);
    const id = Number(envValue(container, "KAFKA_NODE_ID"));
    const roles = rolesOf(container);
    const volumes = asList(asObj(asObj(asObj(deployment["spec"])["template"])["spec"])["volumes"]).filter(isObj);
    const claim = volumes.map((v) => asString(asObj(v["persistentVolumeClaim"])["claimName"])).find((c) => c !== undefined);
    if (pod === undefined || !Number.isInteger(id) || !roles || claim === undefined) {
      r.problem(f.path, "its Deployment lacks a name, KAFKA_NODE_ID, KAFKA_PROCESS_ROLES or a data volume claim");
      return;
    }
    const zone = pinnedZone(deployment);
    nodes.push({ id, roles, pod, claim, ...(zone !== undefined && { zone }) });
  }
  state.nodes = nodes.sort((a, b) => a.id - b.id);
}

/** The zone a rack-aware node is pinned to: its required node affinity on a label other than the host name. */
function pinnedZone(deployment: Obj): string | undefined {
  const spec = asObj(asObj(asObj(deployment["spec"])["template"])["spec"]);
  const required = asObj(asObj(asObj(spec["affinity"])["nodeAffinity"])["requiredDuringSchedulingIgnoredDuringExecution"]);
  for (const term of asList(required["nodeSelectorTerms"]).filter(isObj))
    for (const e of asList(term["matchExpressions"]).filter(isObj)) {
      const key = asString(e["key"]);
      const values = asList(e["values"]);
      if (key !== undefined && key !== labelKeys.hostname && e["operator"] === "In" && values.length === 1 && typeof values[0] === "string")
        return zoneText(key, values[0]);
    }
  return undefined;
}

function applicationPaths(spec: Obj): string[] {
  return [asObj(spec["source"]), ...asList(spec["sources"]).filter(isObj)].map((s) => asString(s["path"])).filter((p): p is string => p !== undefined);
}

interface FoundApplication {
  env?: string;
  fields: Partial<EnvironmentState>;
}

/**
 * Each environment's Argo CD Application under clusters/<cluster>/: by the
 * environment label, else by a source path ending in overlays/<env>.
 */
function applications(r: Reader): FoundApplication[] {
  const out: FoundApplication[] = [];
  for (const path of r.tree.keys()) {
    const folder = /^clusters\/([^/]+)\/.+\.ya?ml$/.exec(path)?.[1];
    if (folder === undefined) continue;
    for (const app of (r.docs(path, "an Argo CD file") ?? []).filter((o) => o["kind"] === "Application")) {
      const meta = asObj(app["metadata"]);
      const spec = asObj(app["spec"]);
      const byPath = applicationPaths(spec)
        .map((p) => /(?:^|\/)overlays\/([^/]+)\/?$/.exec(p)?.[1])
        .find((e) => e !== undefined);
      const env = asString(asObj(meta["labels"])[labelKeys.environment]) ?? byPath;
      if (env === undefined || out.some((a) => a.env === env)) continue;
      const destination = asObj(spec["destination"]);
      const server = asString(destination["server"]);
      const policy = asObj(spec["syncPolicy"]);
      const automated = isObj(policy["automated"]) && policy["automated"]["enabled"] !== false;
      const auto = asObj(policy["automated"]);
      if (server === undefined) r.problem(path, `Application of ${env} has no destination.server`);
      out.push({
        env,
        fields: {
          cluster: folder,
          ...(server !== undefined && { server }),
          sync: {
            application: asString(meta["name"]) ?? "(unnamed)",
            automated,
            prune: automated && auto["prune"] === true,
            selfHeal: automated && auto["selfHeal"] === true,
            cascadeDelete: asList(meta["finalizers"]).some((f) => typeof f === "string" && f.startsWith("resources-finalizer.argocd.argoproj.io")),
          },
        },
      });
    }
  }
  return out;
}

/** Keys every complete state has; the guards treat any of them missing on the committed side as unreadable. */
export const REQUIRED_FIELDS = [
  "cluster",
  "server",
  "namespace",
  "kafkaName",
  "workload",
  "topology",
  "inputs",
  "clusterId",
  "voters",
  "voterIds",
  "nodes",
  "brokers",
  "image",
  "storage",
  "resources",
  "heap",
  "settings",
  "sync",
] as const satisfies ReadonlyArray<keyof EnvironmentState>;

export function isComplete(s: PartialEnvironmentState): s is EnvironmentState {
  return REQUIRED_FIELDS.every((k) => s[k] !== undefined) && (s.topology !== "dedicated" || s.controllerNodes !== undefined);
}
