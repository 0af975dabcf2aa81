// review/summary: a short Markdown description of a change for the pull request,
// from the environment states on both sides (no kubectl needed). Pure; the
// wording lives in generator/templates/pr-summary.hbs.
import { renderTemplate } from "../render/template.js";
import type { EnvironmentStates, PartialEnvironmentState, Volume } from "../model/state.js";
import { plural, syncPolicyText } from "../text.js";
import { isNote, type Warning } from "./risks.js";

export interface SummaryInput {
  /** Label of the old side, e.g. HEAD or origin/main. */
  from: string;
  before: EnvironmentStates;
  after: EnvironmentStates;
  warnings: Warning[];
  /** Paths that differ between the two sides, under base/, overlays/ and clusters/. */
  changedPaths: readonly string[];
}

type EnvironmentState = PartialEnvironmentState;

function storageText(s: Volume | undefined): string | undefined {
  return s ? `${s.size}${s.storageClass !== undefined ? ` (${s.storageClass})` : ""}` : undefined;
}

function resourcesText(r: EnvironmentState["resources"]): string | undefined {
  if (!r) return undefined;
  const part = (m: Record<string, string> | undefined) =>
    m
      ? Object.keys(m)
          .sort()
          .map((k) => `${k} ${m[k]}`)
          .join(", ")
      : "none";
  return `requests ${part(r.requests)}; limits ${part(r.limits)}`;
}

/** The facts a reviewer compares, as display strings. */
function facts(s: EnvironmentState): Array<[string, string | undefined]> {
  return [
    ["server", s.server],
    ["namespace", s.namespace],
    ["object names", s.kafkaName && `${s.kafkaName}-*`],
    ["workload", s.workload],
    ["topology", s.topology],
    ["brokers", s.brokers?.toString()],
    ["KRaft voters", s.voterIds?.join(",")],
    ["CLUSTER_ID", s.clusterId],
    ["image", s.image],
    ["storage", storageText(s.storage)],
    ["controller storage", storageText(s.controllerNodes?.storage)],
    ["resources", resourcesText(s.resources)],
    ["heap", s.heap],
    ["Argo CD sync", s.sync && syncPolicyText(s.sync)],
  ];
}

function describeNew(s: EnvironmentState): string {
  const parts = [
    s.brokers !== undefined && plural(s.brokers, "broker"),
    s.voterIds !== undefined && `${plural(s.voterIds.length, "voter")}${s.topology === "dedicated" ? " (dedicated)" : ""}`,
    s.workload,
    s.image,
    s.storage && `${storageText(s.storage)} per broker`,
    s.namespace && `namespace ${s.namespace}`,
  ].filter(Boolean);
  return `new: ${parts.join(", ")}`;
}

function describeChange(b: EnvironmentState, a: EnvironmentState): string[] {
  const out: string[] = [];
  const fb = new Map(facts(b));
  for (const [label, value] of facts(a)) {
    const old = fb.get(label);
    if (old !== value) out.push(`${label} ${old ?? "(none)"} → ${value ?? "(none)"}`);
  }
  const bs = b.settings ?? {};
  const as = a.settings ?? {};
  const keys = [...new Set([...Object.keys(bs), ...Object.keys(as)])].sort();
  const settings = keys
    .filter((k) => bs[k] !== as[k])
    .map((k) => (bs[k] === undefined ? `+${k}=${as[k]}` : as[k] === undefined ? `-${k}` : `${k} ${bs[k]} → ${as[k]}`));
  if (settings.length) out.push(`settings: ${settings.join(", ")}`);
  return out;
}

export function summaryData(input: SummaryInput) {
  const { before, after } = input;
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  // Without rendering, an environment is touched when its overlay or a base/ folder it builds on changed.
  const touched = (s: EnvironmentState) =>
    input.changedPaths.some((p) => p.startsWith(`overlays/${s.name}/`) || (s.inputs ?? []).some((dir) => p.startsWith(`${dir}/`)));
  const baseChanged = input.changedPaths.some((p) => p.startsWith("base/"));
  const rows: Array<{ name: string; change: string }> = [];
  const unchanged: string[] = [];
  for (const name of names) {
    const b = before.get(name);
    const a = after.get(name);
    if (!b && a) rows.push({ name, change: describeNew(a) });
    else if (b && !a) rows.push({ name, change: "removed" });
    else if (b && a) {
      const changes = describeChange(b, a);
      if (changes.length) rows.push({ name, change: changes.join("; ") });
      else if (touched(b) || touched(a)) rows.push({ name, change: "manifests change (see the rendered diff)" });
      else unchanged.push(name);
    }
  }
  const clusters = [...new Set(input.changedPaths.filter((p) => p.startsWith("clusters/")).map((p) => p.split("/").slice(0, 2).join("/")))].sort();
  const item = (w: Warning) => ({
    message: w.message.startsWith(`${w.environment}: `) ? `**${w.environment}**: ${w.message.slice(w.environment.length + 2)}` : w.message,
    advice: w.advice,
  });
  const warnings = input.warnings.filter((w) => !isNote(w)).map(item);
  const notes = input.warnings.filter(isNote).map(item);
  const headline =
    rows.length === 0 && clusters.length === 0
      ? "no change to any environment"
      : rows.length === 0
        ? "Argo CD objects change"
        : `${plural(rows.length, "environment")} change${rows.length === 1 ? "s" : ""}`;
  return {
    from: input.from,
    headline,
    warnings,
    notes,
    rows,
    unchanged: unchanged.length ? unchanged.map((n) => `\`${n}\``).join(", ") : null,
    base: baseChanged,
    clusters: clusters.length ? clusters.map((c) => `\`${c}/\``).join(", ") : null,
  };
}

export function formatSummary(input: SummaryInput): string {
  return renderTemplate("pr-summary", summaryData(input));
}
