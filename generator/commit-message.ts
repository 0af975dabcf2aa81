// The commit message, from the plan and the model. Pure, so it is tested like the YAML.
import { argoNames } from "./layout.js";
import type { Model } from "./model/model.js";
import type { FileChange } from "./plan.js";

function area(path: string): string {
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
    const note = moved.map((e) => `; ${e} moved to clusters/${model.environments.find((em) => em.env.name === e)!.env.cluster} (if that is another Argo CD, delete ${names.application(e)} here too)`);
    return `${dir}: removed; in its Argo CD delete by hand: kubectl -n ${model.config.argocd.namespace} delete application ${apps}${note.join("")}`;
  }
  return `${dir}: Argo CD objects changed`;
}

export function commitMessage(model: Model, changes: readonly FileChange[], firstScaffold: boolean): string {
  const byArea = new Map<string, FileChange[]>();
  for (const c of changes) byArea.set(area(c.path), [...(byArea.get(area(c.path)) ?? []), c]);
  const envs = [...byArea.keys()].filter((a) => a.startsWith("env:")).map((a) => a.slice(4)).sort();
  const shared = byArea.has("base");

  const clusters = [...byArea.keys()].filter((a) => a.startsWith("cluster:")).map((a) => a.slice(8)).sort();
  const what = envs.length
    ? envs.join(", ")
    : shared
      ? "base (all environments)"
      : clusters.length
        ? `Argo CD objects of ${clusters.map((c) => `clusters/${c}`).join(", ")}`
        : "generated files";
  const subject = `kafka-gitops: ${firstScaffold ? "scaffold" : "update"} ${what}`;

  const body: string[] = [];
  if (shared) body.push("base: shared manifests changed (every environment re-renders)");
  for (const env of envs) body.push(environmentLine(model, env));
  for (const c of clusters) body.push(clusterLine(model, c, byArea.get(`cluster:${c}`)!));
  body.push("");
  for (const c of changes) body.push(`${c.kind.padEnd(7)} ${c.path}`);
  return `${subject}\n\n${body.join("\n")}\n`;
}
