// The commit message, from the plan and the model. Pure, so it is tested like the YAML.
import { argoNames } from "./layout.js";
import type { Model } from "./model/model.js";
import type { FileChange } from "./plan.js";

/** What the title compares per environment, before (read from the committed files) and after (from the config). */
export interface EnvFacts {
  brokers?: number;
  image?: string;
  workload?: string;
  storage?: string;
}

/** "env:<name>", "cluster:<name>", "base" or "other" for a generated path. */
export function changeArea(path: string): string {
  const [root, sub, ...rest] = path.split("/");
  // overlays/.gitattributes sits beside the environments, not in one.
  if (root === "overlays" && rest.length) return `env:${sub}`;
  if (root === "clusters" && rest.length) return `cluster:${sub}`;
  if (root === "base") return "base";
  return "other";
}

function environmentLine(model: Model, name: string): string {
  const em = model.environments.find((e) => e.env.name === name);
  if (!em) return `${name}: removed`;
  const { env } = em;
  return `${name}: ${env.brokers} broker${env.brokers === 1 ? "" : "s"} (${env.controllers} voter${env.controllers === 1 ? "" : "s"}), ${env.workload}, ${env.image}, ${env.storage.size} per node`;
}

/** A new cluster folder needs its one-time bootstrap; a removed one leaves its root Application behind in Argo CD. */
function clusterLine(model: Model, cluster: string, changes: readonly FileChange[]): string {
  const dir = `clusters/${cluster}`;
  if (changes.every((c) => c.kind === "added")) return `${dir}: new; bootstrap it once with \`kubectl apply -k ${dir}\``;
  if (changes.every((c) => c.kind === "removed")) {
    // Argo CD cannot sync a folder that is gone, so nothing prunes these; without finalizers deleting them deletes nothing else.
    const names = argoNames(model.kafkaName, model.config.argocd.project);
    const envs = changes.map((c) => /\/app-([a-z0-9-]+)\.yaml$/.exec(c.path)?.[1]).filter((e): e is string => e !== undefined);
    const moved = model.environments.filter((em) => envs.includes(em.env.name)).map((em) => em.env.name);
    const gone = envs.filter((e) => !moved.includes(e));
    const apps = [names.root(cluster), ...gone.map(names.application)].join(" ");
    // A moved environment's Application is re-created by its new cluster's root; only another Argo CD must drop the old one.
    const note = moved.map(
      (e) =>
        `; ${e} moved to clusters/${model.environments.find((em) => em.env.name === e)!.env.cluster} (if that is another Argo CD, delete ${names.application(e)} here too)`,
    );
    return `${dir}: removed; in its Argo CD delete by hand: kubectl -n ${model.config.argocd.namespace} delete application ${apps}${note.join("")}`;
  }
  return `${dir}: Argo CD objects changed`;
}

/** Git's advice for a subject line; longer titles fall back to counts. */
const MAX_TITLE = 72;

/** A tag when both images come from the same repository ("4.3.1"), else the whole reference. */
function imageChange(a: string, b: string): string {
  const repo = (s: string) => s.replace(/[:@][^/]*$/, "");
  return repo(a) === repo(b) ? `${a.slice(repo(a).length + 1)}->${b.slice(repo(b).length + 1)}` : `${a}->${b}`;
}

/**
 * The subject: what happened, per environment ("kafka: add prod-eu, remove qa,
 * scale prod 3->4"). `envs` are the environments whose files changed, `base` and
 * `clusters` the other parts that did.
 */
export function commitTitle(
  name: string,
  before: ReadonlyMap<string, EnvFacts>,
  after: ReadonlyMap<string, EnvFacts>,
  changed: { envs: readonly string[]; base: boolean; clusters: readonly string[] },
): string {
  const added = changed.envs.filter((e) => after.has(e) && !before.has(e));
  const removed = changed.envs.filter((e) => before.has(e) && !after.has(e));
  const specific: string[] = [];
  const updated: string[] = [];
  for (const env of changed.envs.filter((e) => before.has(e) && after.has(e))) {
    const a = before.get(env)!;
    const b = after.get(env)!;
    const phrases = [
      a.workload !== undefined && b.workload !== undefined && a.workload !== b.workload && `switch ${env} to ${b.workload}`,
      a.brokers !== undefined && b.brokers !== undefined && a.brokers !== b.brokers && `scale ${env} ${a.brokers}->${b.brokers}`,
      a.image !== undefined && b.image !== undefined && a.image !== b.image && `${env} image ${imageChange(a.image, b.image)}`,
      a.storage !== undefined && b.storage !== undefined && a.storage !== b.storage && `${env} storage ${a.storage}->${b.storage}`,
    ].filter((p): p is string => typeof p === "string");
    if (phrases.length) specific.push(...phrases);
    else updated.push(env);
  }
  if (changed.base) updated.push("base");
  const parts = [
    added.length && `add ${added.join(", ")}`,
    removed.length && `remove ${removed.join(", ")}`,
    ...specific,
    updated.length && `update ${updated.join(", ")}`,
  ].filter((p): p is string => typeof p === "string");
  if (parts.length === 0)
    parts.push(changed.clusters.length ? `update Argo CD objects of ${changed.clusters.map((c) => `clusters/${c}`).join(", ")}` : "update generated files");
  const title = `${name}: ${parts.join(", ")}`;
  if (title.length <= MAX_TITLE) return title;
  const changedEnvs = changed.envs.length - added.length - removed.length;
  const counts = [added.length && `add ${added.length}`, removed.length && `remove ${removed.length}`, changedEnvs && `change ${changedEnvs}`].filter(Boolean);
  return `${name}: ${counts.length ? `${counts.join(", ")} environments` : parts[0]}${changed.base ? " and base" : ""}`;
}

/** The config's side of the title's comparison. */
export function factsOf(model: Model): Map<string, EnvFacts> {
  return new Map(
    model.environments.map(({ env }) => [env.name, { brokers: env.brokers, image: env.image, workload: env.workload, storage: env.storage.size }]),
  );
}

/** `before`: the facts of the environments as committed (empty for a first scaffold). */
export function commitMessage(model: Model, changes: readonly FileChange[], before: ReadonlyMap<string, EnvFacts> = new Map()): string {
  const byArea = new Map<string, FileChange[]>();
  for (const c of changes) byArea.set(changeArea(c.path), [...(byArea.get(changeArea(c.path)) ?? []), c]);
  const envs = [...byArea.keys()]
    .filter((a) => a.startsWith("env:"))
    .map((a) => a.slice(4))
    .sort();
  const shared = byArea.has("base");
  const clusters = [...byArea.keys()]
    .filter((a) => a.startsWith("cluster:"))
    .map((a) => a.slice(8))
    .sort();
  // base/ files that are only added come with an environment (the first one, or a first of its workload): its "add" or "switch" says it.
  const baseChanged = (byArea.get("base") ?? []).some((c) => c.kind !== "added");
  const subject = commitTitle(model.kafkaName, before, factsOf(model), { envs, base: baseChanged, clusters });

  const body: string[] = [];
  if (shared) body.push("base: shared manifests changed (every environment re-renders)");
  for (const env of envs) body.push(environmentLine(model, env));
  for (const c of clusters) body.push(clusterLine(model, c, byArea.get(`cluster:${c}`)!));
  body.push("");
  for (const c of changes) body.push(`${c.kind.padEnd(7)} ${c.path}`);
  return `${subject}\n\n${body.join("\n")}\n`;
}
