// The diff command: the rendered objects of every environment (kubectl
// kustomize overlays/<env>) and the Argo CD objects under clusters/, at a git
// revision and in the working tree, compared object by object, with the risk
// warnings first. Reads only: both sides are copied into a temporary folder
// for kubectl, which is removed afterwards.
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { UserError } from "../errors.js";
import { isGenerated } from "../disk.js";
import { labels } from "../layout.js";
import type { FileTree } from "../render/tree.js";
import { compareObjects, parseObjects, type ObjectChanges, type RenderedObject } from "./objects.js";
import { formatReport, type DiffReport, type ReportFormat, type SectionReport } from "./report.js";
import { riskWarnings } from "./risks.js";
import { findKubectl, KUBECTL_MISSING, kustomize, mapLimit, readRevision, readWorkingTree } from "./sources.js";
import { environmentStates, parseEnvironmentStates } from "./state.js";
import { formatSummary } from "./summary.js";

export interface DiffOptions {
  dir: string;
  /** Git revision of the old side. */
  base: string;
  format: ReportFormat;
  maxBytes: number;
  /** --config as the user wrote it (for the commands in the advice). */
  config?: string;
  /** Print the short pull-request summary instead of the rendered diff. */
  summary: boolean;
  /** The new side, when it is not the working tree as it is (see diff-command.ts: the config's tree, rendered in memory). */
  working?: FileTree;
}

export type Print = (text: string) => void;

const generatedOnly = (tree: FileTree): FileTree => new Map([...tree].filter(([, text]) => isGenerated(text)));

const EMPTY: ObjectChanges = { added: [], removed: [], changed: [], unchanged: 0 };

function overlayNames(tree: FileTree): Set<string> {
  const out = new Set<string>();
  for (const p of tree.keys()) {
    const m = /^overlays\/([^/]+)\/kustomization\.ya?ml$/.exec(p);
    if (m) out.add(m[1]!);
  }
  return out;
}

/** True when every file under the given prefixes is the same on both sides: the rendered objects cannot differ. */
function sameFiles(a: FileTree, b: FileTree, prefixes: string[]): boolean {
  const pick = (t: FileTree) => [...t].filter(([p]) => prefixes.some((x) => p.startsWith(x)));
  const pa = pick(a);
  const pb = pick(b);
  return pa.length === pb.length && pa.every(([p, text]) => b.get(p) === text);
}

function changedPaths(a: FileTree, b: FileTree): string[] {
  const paths = new Set([...a.keys(), ...b.keys()]);
  return [...paths].filter((p) => a.get(p) !== b.get(p)).sort();
}

async function writeTreeTo(root: string, tree: FileTree): Promise<void> {
  for (const [path, text] of tree) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

type EnvRender = { ok: true; objects: RenderedObject[] } | { ok: false; error: string };

async function renderOne(kubectl: string, dir: string): Promise<EnvRender> {
  const r = await kustomize(kubectl, dir);
  if (!r.ok) return r;
  try {
    return { ok: true, objects: parseObjects(r.text) };
  } catch (err) {
    return { ok: false, error: `unreadable kustomize output: ${(err as Error).message}` };
  }
}

const BATCH_DIR = ".kafka-gitops-diff-batch";

/**
 * Renders the environments of one side. kubectl's start-up dominates a small
 * overlay, so all of them go through one `kubectl kustomize` of a kustomization
 * that lists every overlay, split back by the environment label each overlay puts
 * on all its objects. Anything unexpected (a failing overlay, two environments in
 * one namespace, an object without the label) falls back to one run per environment.
 */
async function renderSide(kubectl: string, root: string, envs: string[]): Promise<Map<string, EnvRender>> {
  const out = new Map<string, EnvRender>();
  if (envs.length === 0) return out;
  if (envs.length > 1) {
    const batch = join(root, BATCH_DIR);
    await mkdir(batch, { recursive: true });
    await writeFile(join(batch, "kustomization.yaml"), `resources:\n${envs.map((e) => `  - ../overlays/${e}\n`).join("")}`);
    const all = await renderOne(kubectl, batch);
    if (all.ok) {
      const byEnv = new Map<string, RenderedObject[]>(envs.map((e) => [e, []]));
      const split = all.objects.every((o) => {
        const meta = o.value["metadata"] as { labels?: Record<string, unknown> } | undefined;
        const list = byEnv.get(String(meta?.labels?.[labels.environment]));
        list?.push(o);
        return list !== undefined;
      });
      if (split) {
        for (const [env, objects] of byEnv) out.set(env, { ok: true, objects });
        return out;
      }
    }
  }
  // kubectl is a separate process: a few at a time keep every core busy without thrashing.
  const results = await mapLimit(envs, Math.max(2, availableParallelism() + 1), (env) => renderOne(kubectl, join(root, "overlays", env)));
  envs.forEach((env, i) => out.set(env, results[i]!));
  return out;
}

function objectsOf(r: EnvRender | undefined, side: string, errors: string[]): RenderedObject[] {
  if (!r) return [];
  if (r.ok) return r.objects;
  errors.push(`${side}: ${r.error}`);
  return [];
}

/** Argo CD objects per clusters/<cluster>/ folder, read from the YAML files themselves (kustomization files are not objects). */
function clusterObjects(tree: FileTree, errors: Map<string, string[]>, side: string): Map<string, RenderedObject[]> {
  const out = new Map<string, RenderedObject[]>();
  for (const [path, text] of tree) {
    const m = /^clusters\/(?:([^/]+)\/)?.*\.ya?ml$/.exec(path);
    if (!m) continue;
    const section = m[1] !== undefined ? `clusters/${m[1]}` : "clusters";
    const list = out.get(section) ?? [];
    out.set(section, list);
    try {
      list.push(...parseObjects(text).filter((o) => !o.kind.startsWith("Kustomization") && o.kind !== "Component"));
    } catch (err) {
      errors.set(section, [...(errors.get(section) ?? []), `${side}: ${path}: ${(err as Error).message}`]);
    }
  }
  return out;
}

function statusOf(before: boolean, after: boolean, changes: ObjectChanges): SectionReport["status"] {
  if (!before) return "added";
  if (!after) return "removed";
  return changes.added.length + changes.removed.length + changes.changed.length > 0 ? "changed" : "unchanged";
}

export async function runDiff(opts: DiffOptions, print: Print): Promise<{ exitCode: 0 | 1 }> {
  const dir = resolve(opts.dir);
  const isDir = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw new UserError(`--dir ${dir} is not a directory: pass the repository's root folder`);
  const kubectl = opts.summary ? undefined : findKubectl();
  if (!opts.summary && kubectl === undefined) throw new UserError(KUBECTL_MISSING);
  const [revision, working] = await Promise.all([readRevision(dir, opts.base), opts.working ?? readWorkingTree(dir)]);
  const from =
    revision.commit === undefined ? `${opts.base} (no commits yet)` : opts.base === revision.commit ? opts.base : `${opts.base} (${revision.commit})`;

  const parsedBefore = parseEnvironmentStates(generatedOnly(revision.files));
  const before = parsedBefore.states;
  const after = environmentStates(generatedOnly(working));
  const warnings = riskWarnings(before, after, { dir: opts.dir, ...(opts.config !== undefined && { config: opts.config }) });

  if (opts.summary) {
    print(formatSummary({ from: opts.base, before, after, warnings, changedPaths: changedPaths(revision.files, working) }));
    return { exitCode: 0 };
  }

  const oldNames = overlayNames(revision.files);
  const newNames = overlayNames(working);
  const envs = [...new Set([...oldNames, ...newNames])].sort();
  // An environment whose overlay and base/ files are identical on both sides renders identically: no kubectl run needed.
  const toRender = envs.filter((env) => !sameFiles(revision.files, working, [`overlays/${env}/`, "base/"]));
  // Both sides are rendered from copies in a temporary folder: the working tree is only read.
  const tmp = toRender.length ? await mkdtemp(join(tmpdir(), "kafka-gitops-diff-")) : undefined;
  try {
    const [oldRendered, newRendered] = tmp
      ? await Promise.all([
          writeTreeTo(join(tmp, "old"), revision.files).then(() =>
            renderSide(
              kubectl!,
              join(tmp, "old"),
              toRender.filter((e) => oldNames.has(e)),
            ),
          ),
          writeTreeTo(join(tmp, "new"), working).then(() =>
            renderSide(
              kubectl!,
              join(tmp, "new"),
              toRender.filter((e) => newNames.has(e)),
            ),
          ),
        ])
      : [new Map<string, EnvRender>(), new Map<string, EnvRender>()];

    const sections: SectionReport[] = [];
    for (const env of envs) {
      if (!toRender.includes(env)) {
        sections.push({ kind: "environment", name: env, status: "unchanged", changes: EMPTY, errors: [] });
        continue;
      }
      // What cannot be read of the old side is said: the risk list may miss a change there.
      const errors: string[] = parsedBefore.problems
        .filter((p) => p.file.startsWith(`overlays/${env}/`))
        .map((p) => `at ${opts.base}: ${p.file}: ${p.message} (risks about it cannot be checked)`);
      const old = objectsOf(oldRendered.get(env), `at ${opts.base}`, errors);
      const now = objectsOf(newRendered.get(env), "in the working tree", errors);
      const changes = compareObjects(old, now);
      sections.push({ kind: "environment", name: env, status: statusOf(oldNames.has(env), newNames.has(env), changes), changes, errors });
    }

    const clusterErrors = new Map<string, string[]>();
    const oldClusters = clusterObjects(revision.files, clusterErrors, `at ${opts.base}`);
    const newClusters = clusterObjects(working, clusterErrors, "in the working tree");
    for (const name of [...new Set([...oldClusters.keys(), ...newClusters.keys()])].sort()) {
      const changes = compareObjects(oldClusters.get(name) ?? [], newClusters.get(name) ?? []);
      sections.push({
        kind: "argocd",
        name,
        status: statusOf(oldClusters.has(name), newClusters.has(name), changes),
        changes,
        errors: clusterErrors.get(name) ?? [],
      });
    }

    const report: DiffReport = { from, to: "working tree", warnings, sections };
    print(formatReport(report, { format: opts.format, maxBytes: opts.maxBytes }));
    // The new side must render, or Argo CD cannot sync it: that fails the command (and CI).
    const broken = sections.some((s) => s.errors.some((e) => e.startsWith("in the working tree")));
    return { exitCode: broken ? 1 : 0 };
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}
