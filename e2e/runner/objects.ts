// The rendered objects of one overlay, as `kubectl kustomize overlays/<env>` prints them.
import { parseAllDocuments } from "yaml";
import { must } from "./sh.js";

/** A Kubernetes object as rendered; the runner reads only the fields it reproduces. */
export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  /** Written by the runner's controllers (Jobs, cert-manager), kept across applies as the API server keeps a status. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  status?: any;
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export function parseObjects(text: string): KObject[] {
  const out: KObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new Error(`cannot parse rendered YAML: ${doc.errors[0]?.message}`);
    const v = doc.toJS({ maxAliasCount: 100 }) as KObject | null;
    if (v && typeof v === "object" && v.kind) out.push(v);
  }
  return out;
}

/** Renders `<dir>/overlays/<env>` with the real kubectl kustomize. */
export async function renderOverlay(dir: string, env: string): Promise<KObject[]> {
  return parseObjects(await must(["kubectl", "kustomize", `${dir}/overlays/${env}`]));
}

export const key = (o: KObject) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;

/** Label selector `matchLabels` (and equality `matchExpressions` In) against labels. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function matches(selector: any, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  const l = labels ?? {};
  const ml: Record<string, string> = selector.matchLabels ?? (selector.matchExpressions ? {} : selector);
  for (const [k, v] of Object.entries(ml)) if (l[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in l;
    if (e.operator === "In" && !(has && e.values.includes(l[e.key]))) return false;
    if (e.operator === "NotIn" && has && e.values.includes(l[e.key])) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}
