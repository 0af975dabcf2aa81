// The commit message, from the plan and the model. Pure, so it is tested like the YAML.
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

export function commitMessage(model: Model, changes: readonly FileChange[], firstScaffold: boolean): string {
  const byArea = new Map<string, FileChange[]>();
  for (const c of changes) byArea.set(area(c.path), [...(byArea.get(area(c.path)) ?? []), c]);
  const envs = [...byArea.keys()].filter((a) => a.startsWith("env:")).map((a) => a.slice(4)).sort();
  const shared = byArea.has("base");

  const what = envs.length ? envs.join(", ") : shared ? "base (all environments)" : "generated files";
  const subject = `kafka-gitops: ${firstScaffold ? "scaffold" : "update"} ${what}`;

  const body: string[] = [];
  if (shared) body.push("base: shared manifests changed (every environment re-renders)");
  for (const env of envs) body.push(environmentLine(model, env));
  for (const a of [...byArea.keys()].filter((a) => a.startsWith("cluster:")).sort()) body.push(`clusters/${a.slice(8)}: Argo CD objects changed`);
  body.push("");
  for (const c of changes) body.push(`${c.kind.padEnd(7)} ${c.path}`);
  return `${subject}\n\n${body.join("\n")}\n`;
}
