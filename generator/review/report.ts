// review/report: the rendered diff as text or as a Markdown pull-request
// comment, within a byte budget. Pure. Order: warnings and render errors,
// then the list of changed and unchanged sections, then per section its
// objects and their diffs (a diff identical to one shown for an earlier
// section is referred to, not repeated). When the budget is exceeded, parts are
// cut in this order until it fits, and the output says what was cut:
//   1. diffs of objects no warning is about, the largest change first (with
//      every repetition of it);
//   2. the remaining diffs, section by section, largest section first;
//   3. the object lists of sections, longest first (counts remain);
//   4. the names of the unchanged environments (their count remains);
//   5. the blocks of sections without warnings or errors (named in the overview);
//   6. last resort: the text is cut at a line boundary.
// Warnings and render errors are never cut before step 6.
import type { ChangedObject, ObjectChanges, ObjectRef } from "./objects.js";
import { isNote, type Warning, type WarningKind } from "./risks.js";
import { inlineCode, plural } from "../text.js";

export interface SectionReport {
  kind: "environment" | "argocd";
  /** Environment name, or clusters/<cluster> for Argo CD objects. */
  name: string;
  status: "added" | "removed" | "changed" | "unchanged";
  changes: ObjectChanges;
  /** Render failures, e.g. "in the working tree: kubectl kustomize: ...". */
  errors: string[];
}

export interface DiffReport {
  /** Label of the old side, e.g. HEAD or origin/main. */
  from: string;
  /** Label of the new side, e.g. "working tree". */
  to: string;
  warnings: Warning[];
  sections: SectionReport[];
}

export type ReportFormat = "markdown" | "text";

export interface FormatOptions {
  format: ReportFormat;
  maxBytes: number;
}

export const DEFAULT_MAX_BYTES = 60000;

/** Object kinds each warning is about: their diffs are the last to be cut. */
const RISK_OBJECT_KINDS: Record<WarningKind, readonly string[] | "all"> = {
  "environment-removed": "all",
  "environment-renamed": "all",
  "server-changed": "all",
  "object-names-changed": "all",
  "node-ids-changed": ["StatefulSet", "Deployment"],
  "claims-changed": ["StatefulSet", "Deployment", "PersistentVolumeClaim"],
  "zone-changed": ["Deployment"],
  "zone-pinned": ["Deployment"],
  "namespace-changed": "all",
  "cluster-id-changed": ["ConfigMap"],
  "topology-changed": "all",
  "voters-changed": ["ConfigMap"],
  "brokers-decreased": ["StatefulSet", "Deployment", "Service", "PersistentVolumeClaim", "ConfigMap"],
  "durability-tightened": ["ConfigMap"],
  "replication-raised": ["ConfigMap"],
  "brokers-added": ["StatefulSet", "Deployment"],
  "storage-shrunk": ["StatefulSet", "PersistentVolumeClaim"],
  "storage-class-changed": ["StatefulSet", "PersistentVolumeClaim"],
  "storage-grown-statefulset": ["StatefulSet", "PersistentVolumeClaim"],
  "workload-switched": "all",
  "workload-switch-waits": "all",
  "security-enabled": "all",
  "user-removed": ["Job", "Certificate"],
  "security-changed": "all",
  "image-downgraded": ["StatefulSet", "Deployment"],
  "sync-loosened": ["Application"],
  "sync-enabled": ["Application"],
};

interface Cuts {
  /** `${section}\0${kind}/${name}` of every diff left out. */
  diffs: Set<string>;
  /** Sections whose object list is reduced to counts. */
  lists: Set<string>;
  unchangedNames: boolean;
  /** Sections left out entirely (named in the overview only). */
  sections: Set<string>;
}

const bytes = (s: string) => Buffer.byteLength(s, "utf8");
const objectKey = (o: ObjectRef) => `${o.kind}/${o.name}`;
const diffKey = (s: SectionReport, o: ObjectRef) => `${s.name}\0${objectKey(o)}`;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const MAX_FIELDS = 8;

function sectionWarnings(report: DiffReport, section: SectionReport): Warning[] {
  return section.kind === "environment" ? report.warnings.filter((w) => w.environment === section.name) : [];
}

function isRiskObject(report: DiffReport, section: SectionReport, o: ObjectRef): boolean {
  // Argo CD objects of a clusters/ folder are about every environment in it.
  const warnings = section.kind === "environment" ? sectionWarnings(report, section) : report.warnings;
  return warnings.some((w) => {
    const kinds = RISK_OBJECT_KINDS[w.kind];
    return section.kind === "argocd" ? kinds !== "all" && kinds.includes(o.kind) : kinds === "all" || kinds.includes(o.kind);
  });
}

const isShown = (s: SectionReport) => s.status !== "unchanged" || s.errors.length > 0;
const objectCount = (c: ObjectChanges) => c.added.length + c.removed.length + c.changed.length;

type Step = (c: Cuts) => void;

/** The changed lines of a diff, headers included: equal when two objects changed the same way, whatever their context lines. */
function changeKey(o: ChangedObject): string {
  return o.diff
    .split("\n")
    .filter((l) => l.startsWith("+") || l.startsWith("-"))
    .join("\n");
}

/** Every cut, least important first. */
function cutSteps(report: DiffReport, dialect: Dialect): Step[] {
  const steps: Step[] = [];
  const changed = report.sections.filter((s) => s.changes.changed.length > 0);
  const size = (o: ChangedObject) => bytes(dialect.diffBlock(o));

  // Objects that changed the same way (one edit in many environments) are shown once and referred to after,
  // so they are cut together: the step saves the one diff and every reference to it.
  const loose = new Map<string, Array<{ s: SectionReport; o: ChangedObject }>>();
  for (const s of changed)
    for (const o of s.changes.changed) if (!isRiskObject(report, s, o)) loose.set(changeKey(o), [...(loose.get(changeKey(o)) ?? []), { s, o }]);
  const groups = [...loose.values()]
    .map((g) => ({ g, n: size(g[0]!.o) + (g.length - 1) * bytes(dialect.sameDiff(g[0]!.o, g[0]!.s.name)), first: diffKey(g[0]!.s, g[0]!.o) }))
    .sort((x, y) => y.n - x.n || cmp(x.first, y.first));
  for (const { g } of groups) steps.push((c) => g.forEach(({ s, o }) => c.diffs.add(diffKey(s, o))));

  const risky = changed
    .map((s) => ({ s, objs: s.changes.changed.filter((o) => isRiskObject(report, s, o)) }))
    .filter((x) => x.objs.length > 0)
    .map((x) => ({ ...x, n: x.objs.reduce((sum, o) => sum + size(o), 0) }))
    .sort((x, y) => y.n - x.n || cmp(x.s.name, y.s.name));
  for (const { s, objs } of risky) steps.push((c) => objs.forEach((o) => c.diffs.add(diffKey(s, o))));

  const bySize = (list: SectionReport[]) => list.map((s) => ({ s, n: objectCount(s.changes) })).sort((x, y) => y.n - x.n || cmp(x.s.name, y.s.name));
  for (const { s } of bySize(report.sections.filter((s) => isShown(s) && objectCount(s.changes) > 0))) steps.push((c) => c.lists.add(s.name));

  steps.push((c) => (c.unchangedNames = true));

  const quiet = report.sections.filter((s) => isShown(s) && s.errors.length === 0 && sectionWarnings(report, s).length === 0);
  for (const { s } of bySize(quiet)) steps.push((c) => c.sections.add(s.name));
  return steps;
}

function cutsAfter(steps: Step[], k: number): Cuts {
  const c: Cuts = { diffs: new Set(), lists: new Set(), unchangedNames: false, sections: new Set() };
  for (const step of steps.slice(0, k)) step(c);
  return c;
}

/** The report in the given format, no longer than `maxBytes` bytes (UTF-8), with a note of what was cut. */
export function formatReport(report: DiffReport, opts: FormatOptions): string {
  const dialect = opts.format === "markdown" ? markdown : text;
  const fits = (out: string) => bytes(out) <= opts.maxBytes;
  const full = render(report, dialect, cutsAfter([], 0));
  if (fits(full)) return full;
  const steps = cutSteps(report, dialect);
  const all = render(report, dialect, cutsAfter(steps, steps.length));
  if (!fits(all)) return truncate(all, opts.maxBytes, dialect);
  // Each cut removes more than its note adds, so the smallest fitting number of cuts is found by bisection.
  let lo = 1;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (fits(render(report, dialect, cutsAfter(steps, mid)))) hi = mid;
    else lo = mid + 1;
  }
  const out = render(report, dialect, cutsAfter(steps, lo));
  return fits(out) ? out : all;
}

function truncate(out: string, maxBytes: number, dialect: Dialect): string {
  const tail = dialect.truncated(maxBytes);
  const kept: string[] = [];
  let used = bytes(tail) + 64; // room for closing markup
  for (const line of out.split("\n")) {
    if (used + bytes(line) + 1 > maxBytes) break;
    kept.push(line);
    used += bytes(line) + 1;
  }
  return kept.join("\n") + "\n" + dialect.close(kept) + tail;
}

interface Dialect {
  title(r: DiffReport): string;
  noChanges(r: DiffReport): string;
  warnings(ws: Warning[], errors: Array<{ section: string; error: string }>): string;
  overview(changed: SectionReport[], unchanged: SectionReport[], cuts: Cuts): string;
  cutNote(note: string): string;
  sectionStart(s: SectionReport, warnings: number): string;
  objectList(s: SectionReport): string;
  collapsedList(s: SectionReport): string;
  diffBlock(o: ChangedObject): string;
  sameDiff(o: ChangedObject, section: string): string;
  sectionEnd(): string;
  truncated(maxBytes: number): string;
  close(kept: string[]): string;
}

function counts(c: ObjectChanges): string {
  return `${c.added.length} added, ${c.removed.length} removed, ${c.changed.length} changed`;
}

function sectionLabel(s: SectionReport): string {
  const c = s.changes;
  if (s.status === "added") return `new, ${c.added.length} object${c.added.length === 1 ? "" : "s"}`;
  if (s.status === "removed") return `removed, ${c.removed.length} object${c.removed.length === 1 ? "" : "s"}`;
  return counts(c);
}

function fieldList(o: ChangedObject, code: (s: string) => string): string {
  const shown = o.fields.slice(0, MAX_FIELDS).map(code).join(", ");
  const more = o.fields.length > MAX_FIELDS ? ` and ${o.fields.length - MAX_FIELDS} more` : "";
  return shown + more;
}

function cutSummary(r: DiffReport, cuts: Cuts): string | undefined {
  const parts: string[] = [];
  if (cuts.diffs.size) {
    const sections = new Set([...cuts.diffs].map((k) => k.split("\0")[0]));
    parts.push(`the diffs of ${plural(cuts.diffs.size, "object")} in ${plural(sections.size, "section")}`);
  }
  if (cuts.lists.size) parts.push(`the object lists of ${plural(cuts.lists.size, "section")} (counts kept)`);
  if (cuts.unchangedNames) parts.push("the names of the unchanged sections");
  if (cuts.sections.size) parts.push(`the details of ${plural(cuts.sections.size, "changed section")} without warnings (named above)`);
  if (!parts.length) return undefined;
  return `Left out to stay within the size limit: ${parts.join("; ")}. Warnings are complete. Run \`npm run diff -- --base ${r.from.split(" ")[0]}\` locally for everything.`;
}

function render(r: DiffReport, d: Dialect, cuts: Cuts): string {
  const changed = r.sections.filter(isShown);
  const unchanged = r.sections.filter((s) => !isShown(s));
  const errors = r.sections.flatMap((s) => s.errors.map((error) => ({ section: s.name, error })));
  let out = d.title(r);
  if (changed.length === 0 && r.warnings.length === 0) return out + d.noChanges(r);
  out += d.warnings(r.warnings, errors);
  out += d.overview(changed, unchanged, cuts);
  const note = cutSummary(r, cuts);
  if (note) out += d.cutNote(note);
  // A change already shown for an earlier section (the same edit in many environments) is referred to, not repeated.
  const shownDiffs = new Map<string, string>();
  for (const s of changed) {
    if (cuts.sections.has(s.name)) continue;
    out += d.sectionStart(s, sectionWarnings(r, s).filter((w) => !isNote(w)).length);
    if (cuts.lists.has(s.name)) out += d.collapsedList(s);
    else out += d.objectList(s);
    for (const o of s.changes.changed) {
      if (cuts.diffs.has(diffKey(s, o))) continue;
      const first = shownDiffs.get(changeKey(o));
      if (first !== undefined) out += d.sameDiff(o, first);
      else {
        out += d.diffBlock(o);
        shownDiffs.set(changeKey(o), s.name);
      }
    }
    out += d.sectionEnd();
  }
  return out;
}

// ---------------------------------------------------------------------------
// Plain text, for a terminal
// ---------------------------------------------------------------------------

const text: Dialect = {
  title: (r) => `kafka-gitops diff: ${r.from} -> ${r.to}\n`,
  noChanges: (r) => `no changes: ${plural(r.sections.length, "section")} render the same objects (${r.sections.map((s) => s.name).join(", ") || "none"})\n`,
  warnings(all, errors) {
    let out = "";
    const ws = all.filter((w) => !isNote(w));
    const notes = all.filter(isNote);
    if (ws.length) {
      out += `\nWARNINGS (${ws.length}):\n`;
      for (const w of ws) out += `! ${w.message}\n  what to do: ${w.advice}\n`;
    }
    if (notes.length) {
      out += `\nNOTES (${notes.length}):\n`;
      for (const w of notes) out += `note: ${w.message}\n  what to do: ${w.advice}\n`;
    }
    if (errors.length) {
      out += `\nRENDER ERRORS (${errors.length}):\n`;
      for (const e of errors) out += `x ${e.section}: ${e.error}\n`;
    }
    return out;
  },
  overview(changed, unchanged, cuts) {
    let out = `\nchanged (${changed.length}): ${changed.map((s) => s.name).join(", ") || "none"}\n`;
    if (unchanged.length) out += `unchanged (${unchanged.length})${cuts.unchangedNames ? "" : `: ${unchanged.map((s) => s.name).join(", ")}`}\n`;
    return out;
  },
  cutNote: (note) => `note: ${note}\n`,
  sectionStart: (s, w) =>
    `\n=== ${s.kind === "environment" ? "environment" : "Argo CD"} ${s.name}: ${sectionLabel(s)}${w ? `, ${plural(w, "warning")}` : ""} ===\n`,
  objectList(s) {
    let out = "";
    for (const e of s.errors) out += `x ${e}\n`;
    for (const o of s.changes.changed) out += `~ ${objectKey(o)}${o.restartsPods ? " (pods restart)" : ""}: ${fieldList(o, (f) => f)}\n`;
    for (const o of s.changes.added) out += `+ ${objectKey(o)}\n`;
    for (const o of s.changes.removed) out += `- ${objectKey(o)}\n`;
    return out;
  },
  collapsedList: () => `(object list left out for size)\n`,
  diffBlock: (o) => `\n${o.diff}`,
  sameDiff: (o, first) => `\n${objectKey(o)}: same change as in ${first}\n`,
  sectionEnd: () => "",
  truncated: (n) => `... output cut at ${n} bytes (--max-bytes)\n`,
  close: () => "",
};

// ---------------------------------------------------------------------------
// Markdown, for a pull-request comment
// ---------------------------------------------------------------------------

const code = (s: string): string => inlineCode(s);

function fenceFor(body: string): string {
  const longest = Math.max(0, ...[...body.matchAll(/`{3,}/g)].map((m) => m[0].length));
  return "`".repeat(Math.max(3, longest + 1));
}

/** Text from outside (kubectl's messages): characters that would start HTML are escaped. */
const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const markdown: Dialect = {
  title: (r) => `## kafka-gitops: rendered changes, ${code(r.from)} → ${r.to}\n\n`,
  noChanges: (r) =>
    `No changes: ${plural(r.sections.length, "section")} render the same objects (${r.sections.map((s) => code(s.name)).join(", ") || "none"}).\n`,
  warnings(all, errors) {
    let out = "";
    const item = (w: Warning) => {
      const message = w.message.startsWith(`${w.environment}: `) ? `**${w.environment}**: ${w.message.slice(w.environment.length + 2)}` : w.message;
      return `- ${message}.  \n  **What to do:** ${w.advice}\n`;
    };
    const ws = all.filter((w) => !isNote(w));
    const notes = all.filter(isNote);
    if (ws.length) out += `### ⚠️ ${plural(ws.length, "warning")}\n\n${ws.map(item).join("")}\n`;
    if (notes.length) out += `### ℹ️ ${plural(notes.length, "note")}\n\n${notes.map(item).join("")}\n`;
    if (errors.length) {
      out += `### ❌ ${plural(errors.length, "render error")}\n\n`;
      for (const e of errors) out += `- **${e.section}**: ${escapeHtml(e.error)}\n`;
      out += "\n";
    }
    return out;
  },
  overview(changed, unchanged, cuts) {
    let out = `**Changed (${changed.length}):** ${changed.map((s) => code(s.name)).join(", ") || "none"}  \n`;
    if (unchanged.length)
      out += cuts.unchangedNames
        ? `**Unchanged:** ${unchanged.length}\n`
        : `**Unchanged (${unchanged.length}):** ${unchanged.map((s) => code(s.name)).join(", ")}\n`;
    return out + "\n";
  },
  cutNote: (note) => `> ✂️ ${note}\n\n`,
  sectionStart: (s, w) =>
    `<details${w || s.errors.length ? " open" : ""}>\n<summary><b>${s.kind === "argocd" ? "Argo CD " : ""}${escapeHtml(s.name)}</b>: ${sectionLabel(s)}${w ? ` · ⚠️ ${plural(w, "warning")}` : ""}</summary>\n\n`,
  objectList(s) {
    let out = "";
    for (const e of s.errors) out += `- ❌ ${escapeHtml(e)}\n`;
    for (const o of s.changes.changed) out += `- changed ${code(objectKey(o))}${o.restartsPods ? " (pods restart)" : ""}: ${fieldList(o, code)}\n`;
    for (const o of s.changes.added) out += `- added ${code(objectKey(o))}\n`;
    for (const o of s.changes.removed) out += `- removed ${code(objectKey(o))}\n`;
    return out + "\n";
  },
  collapsedList: () => `_Object list left out for size._\n\n`,
  diffBlock(o) {
    const fence = fenceFor(o.diff);
    return `${fence}diff\n${o.diff}${fence}\n\n`;
  },
  sameDiff: (o, first) => `${code(objectKey(o))}: same change as in ${code(first)}.\n\n`,
  sectionEnd: () => "</details>\n\n",
  truncated: (n) => `\n> ✂️ Output cut at ${n} bytes (\`--max-bytes\`).\n`,
  close(kept) {
    let out = "";
    const fences = kept.filter((l) => /^`{3,}/.test(l)).length;
    if (fences % 2 === 1) out += "```\n";
    const open = kept.filter((l) => l.startsWith("<details")).length - kept.filter((l) => l.startsWith("</details>")).length;
    for (let i = 0; i < open; i++) out += "</details>\n";
    return out;
  },
};
