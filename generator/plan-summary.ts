// What a person reads after a scaffold: per environment (and base/, each
// clusters/<cluster>/, the files beside the config) how many files were added,
// changed and removed, and how many warnings it has; every file only with
// --verbose. Pure: the plan in, lines out.
import { changeArea } from "./commit-message.js";
import type { Plan } from "./plan.js";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function areaLabel(area: string): string {
  if (area.startsWith("env:")) return area.slice(4);
  if (area.startsWith("cluster:")) return `clusters/${area.slice(8)}`;
  return area === "base" ? "base" : "other files";
}

/** Environments first (sorted), then base, the cluster folders, the rest. */
function areaOrder(area: string): string {
  return `${area.startsWith("env:") ? 0 : area === "base" ? 1 : area.startsWith("cluster:") ? 2 : 3}${area}`;
}

/** `warnings`: environment name -> number of warnings printed for it. */
export function planSummary(plan: Plan, warnings: ReadonlyMap<string, number>, opts: { dryRun: boolean; verbose: boolean }): string[] {
  const verb = opts.dryRun ? "would " : "";
  if (plan.changes.length === 0) return [`up to date: ${plan.unchanged} generated files match the config`];
  const areas = new Map<string, { added: number; changed: number; removed: number }>();
  for (const c of plan.changes) {
    const a = areas.get(changeArea(c.path)) ?? { added: 0, changed: 0, removed: 0 };
    a[c.kind]++;
    areas.set(changeArea(c.path), a);
  }
  for (const env of warnings.keys()) if (!areas.has(`env:${env}`)) areas.set(`env:${env}`, { added: 0, changed: 0, removed: 0 });
  const lines: string[] = [];
  for (const area of [...areas.keys()].sort((a, b) => (areaOrder(a) < areaOrder(b) ? -1 : 1))) {
    const n = areas.get(area)!;
    const counts =
      [n.added && `${n.added} added`, n.changed && `${n.changed} changed`, n.removed && `${n.removed} removed`].filter(Boolean).join(", ") || "unchanged";
    const w = area.startsWith("env:") ? (warnings.get(area.slice(4)) ?? 0) : 0;
    lines.push(`  ${areaLabel(area)}: ${counts}${w ? `, ${plural(w, "warning")} (above)` : ""}`);
  }
  if (opts.verbose) for (const c of plan.changes) lines.push(`  ${verb}${c.kind === "added" ? "add" : c.kind === "changed" ? "update" : "remove"} ${c.path}`);
  const count = (k: string) => plan.changes.filter((c) => c.kind === k).length;
  const more = opts.verbose ? "" : opts.dryRun ? " (--verbose lists every file, with diffs)" : " (--verbose lists every file)";
  lines.push(
    `${verb ? "would write" : "wrote"}: ${count("added")} added, ${count("changed")} updated, ${count("removed")} removed, ${plan.unchanged} unchanged${more}`,
  );
  return lines;
}
