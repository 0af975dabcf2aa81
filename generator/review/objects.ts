// review/objects: rendered Kubernetes objects of one environment (or one
// clusters/<cluster>/ folder) before and after, matched and compared. Each
// object is serialised canonically (keys sorted) so a diff is about content,
// not order. Pure.
import { unifiedDiff } from "../text-diff.js";
import { parseYamlDocuments, toCanonicalYaml } from "../yaml-format.js";

export interface RenderedObject {
  kind: string;
  /** metadata.name as rendered (a ConfigMap's with its hash suffix). */
  name: string;
  namespace?: string;
  value: Record<string, unknown>;
}

export interface ObjectRef {
  kind: string;
  /** Name without a kustomize hash suffix: how the object is matched and listed. */
  name: string;
}

export interface ChangedObject extends ObjectRef {
  beforeName: string;
  afterName: string;
  /** Paths of the changed fields, e.g. spec.replicas or spec.template.spec.containers[kafka].image. */
  fields: string[];
  /** True when a workload's pod template changed: its pods are replaced. */
  restartsPods: boolean;
  /** Unified diff of the canonical texts. */
  diff: string;
}

export interface ObjectChanges {
  added: ObjectRef[];
  removed: ObjectRef[];
  changed: ChangedObject[];
  unchanged: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Objects of a multi-document YAML text (kubectl kustomize output, Argo CD files); documents without a kind are skipped. */
export function parseObjects(text: string): RenderedObject[] {
  return parseYamlDocuments(text)
    .filter(isObj)
    .filter((o) => typeof o["kind"] === "string")
    .map((value) => {
      const meta = isObj(value["metadata"]) ? value["metadata"] : {};
      const namespace = typeof meta["namespace"] === "string" ? meta["namespace"] : undefined;
      return {
        kind: value["kind"] as string,
        name: typeof meta["name"] === "string" ? meta["name"] : "",
        ...(namespace !== undefined && { namespace }),
        value,
      };
    });
}

// kustomize appends "-" and 10 characters of an encoded hash: hex digits with 0, 1, 3, a and e replaced by g, h, k, m and t.
const HASH_SUFFIX = /-[245-9bcdfghkmt]{10}$/;
const HASHED_KINDS = new Set(["ConfigMap", "Secret"]);

/** A generated ConfigMap's name without its content hash, so a config change reads as a change, not a remove and an add. */
export function stableName(kind: string, name: string): string {
  return HASHED_KINDS.has(kind) ? name.replace(HASH_SUFFIX, "") : name;
}

const POD_OWNERS = new Set(["StatefulSet", "Deployment", "DaemonSet", "ReplicaSet", "Job"]);

/** Canonical text: keys sorted; a hashed name is shown without its hash (the diff header carries the real names). */
export function canonicalText(o: RenderedObject): string {
  const stable = stableName(o.kind, o.name);
  if (stable === o.name) return toCanonicalYaml(o.value);
  const meta = isObj(o.value["metadata"]) ? o.value["metadata"] : {};
  return toCanonicalYaml({ ...o.value, metadata: { ...meta, name: stable } });
}

function keyed(objects: readonly RenderedObject[]): Map<string, RenderedObject> {
  const base = (o: RenderedObject) => `${o.kind}/${stableName(o.kind, o.name)}`;
  const counts = new Map<string, number>();
  for (const o of objects) counts.set(base(o), (counts.get(base(o)) ?? 0) + 1);
  const out = new Map<string, RenderedObject>();
  // The same kind and name twice (other namespaces) is told apart by namespace.
  for (const o of objects) out.set(counts.get(base(o))! > 1 ? `${base(o)} (${o.namespace ?? "cluster"})` : base(o), o);
  return out;
}

const byKey = <T extends ObjectRef>(a: T, b: T) => {
  const ka = `${a.kind}/${a.name}`;
  const kb = `${b.kind}/${b.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

const refOf = (key: string, o: RenderedObject): ObjectRef => ({ kind: o.kind, name: key.slice(o.kind.length + 1) });

/** Matches objects by kind and stable name; lists are sorted by kind, then name. */
export function compareObjects(before: readonly RenderedObject[], after: readonly RenderedObject[]): ObjectChanges {
  const b = keyed(before);
  const a = keyed(after);
  const out: ObjectChanges = { added: [], removed: [], changed: [], unchanged: 0 };
  for (const [key, o] of b) if (!a.has(key)) out.removed.push(refOf(key, o));
  for (const [key, o] of a) {
    const old = b.get(key);
    if (!old) {
      out.added.push(refOf(key, o));
      continue;
    }
    const oldText = canonicalText(old);
    const newText = canonicalText(o);
    if (oldText === newText && old.name === o.name) {
      out.unchanged++;
      continue;
    }
    const fields = changedFields(old.value, o.value);
    const ref = refOf(key, o);
    out.changed.push({
      ...ref,
      beforeName: old.name,
      afterName: o.name,
      fields,
      restartsPods: POD_OWNERS.has(o.kind) && fields.some((f) => f.startsWith("spec.template")),
      diff: unifiedDiff(oldText, newText, { oldLabel: `a/${o.kind}/${old.name}`, newLabel: `b/${o.kind}/${o.name}` }),
    });
  }
  out.added.sort(byKey);
  out.removed.sort(byKey);
  out.changed.sort(byKey);
  return out;
}

function segment(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function join(path: string, key: string): string {
  const s = segment(key);
  return path === "" && s.startsWith(".") ? s.slice(1) : path + s;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Lists of objects that all carry a unique name (containers, env, ports, volumes, claim templates) are matched by it. */
function namedItems(list: unknown[]): Map<string, unknown> | undefined {
  const out = new Map<string, unknown>();
  for (const item of list) {
    if (!isObj(item)) return undefined;
    const meta = item["metadata"];
    const name = typeof item["name"] === "string" ? item["name"] : isObj(meta) && typeof meta["name"] === "string" ? meta["name"] : undefined;
    if (name === undefined || out.has(name)) return undefined;
    out.set(name, item);
  }
  return out;
}

/** Paths of the leaves that differ, in sorted key order. The object's own name is not a field change. */
export function changedFields(before: unknown, after: unknown): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (deepEqual(a, b)) return;
    if (isObj(a) && isObj(b)) {
      for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) walk(a[k], b[k], join(path, k));
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      const na = namedItems(a);
      const nb = namedItems(b);
      if (na && nb && a.length > 0 && b.length > 0) {
        for (const k of [...new Set([...na.keys(), ...nb.keys()])].sort()) walk(na.get(k), nb.get(k), `${path}[${k}]`);
        return;
      }
      if (a.length === b.length) {
        a.forEach((v, i) => walk(v, b[i], `${path}[${i}]`));
        return;
      }
    }
    out.push(path === "" ? "(whole object)" : path);
  };
  walk(before, after, "");
  return out.filter((p) => p !== "metadata.name");
}
