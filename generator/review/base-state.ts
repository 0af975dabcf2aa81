// review/base-state: the environment states committed at a git revision, read
// strictly, because the guards compare against them: a file an environment
// needs that is missing at the revision is read from the last revision that
// still had it (a generated file deleted in an earlier commit keeps guarding),
// and anything still unreadable is an error naming the file and the revision,
// never a silent pass. Read-only (ls-tree, cat-file, rev-list; no checkout).
import { UserError } from "../errors.js";
import type { EnvironmentStates, PartialEnvironmentState } from "../model/state.js";
import { fileTree } from "../render/tree.js";
import { git, readRevision } from "./sources.js";
import { isComplete, parseEnvironmentStates, REQUIRED_FIELDS, type StateProblem } from "./state.js";

export interface CommittedStates {
  /** How messages name the revision, e.g. "HEAD at 1a2b3c4". */
  label: string;
  states: EnvironmentStates;
  /** Files taken from an older revision because the revision itself lacks them: path -> commit. */
  recovered: Map<string, string>;
}

/** A committed environment state that cannot be read: exit 1, nothing written. */
export class UnreadableBaseError extends UserError {
  constructor(label: string, problems: readonly StateProblem[]) {
    super(
      `cannot read the committed state of the environments in ${label}, so the guards cannot check this change; nothing was written:\n` +
        problems.map((p) => `  ${p.file}: ${p.message}`).join("\n") +
        `\nRestore or repair these files in a commit (\`git checkout <commit> -- <file>\` from a revision that has them), or compare with a revision whose tree is complete: --base REF. ` +
        `kafka-gitops never assumes that an unreadable environment is safe to change.`,
    );
  }
}

/** True when `dir` is inside a git work tree (the scaffold also runs outside one with --no-commit). */
export async function insideGitRepo(dir: string): Promise<boolean> {
  try {
    const out = await git(dir, ["rev-parse", "--is-inside-work-tree"]);
    return out.code === 0 && out.stdout.toString().trim() === "true";
  } catch (err) {
    // No git on PATH: then there is no repository either (--no-commit still works).
    if (err instanceof UserError) return false;
    throw err;
  }
}

/** The short commit id of `ref`, or undefined when it does not name a commit. */
export async function resolveCommit(dir: string, ref: string): Promise<string | undefined> {
  const out = await git(dir, ["rev-parse", "--verify", "--quiet", "--short", `${ref}^{commit}`]);
  return out.code === 0 ? out.stdout.toString().trim() : undefined;
}

/** The text of `path` (relative to dir) at the last revision before `commit` that had it, with that revision. */
async function fromHistory(dir: string, commit: string, path: string): Promise<{ text: string; commit: string } | undefined> {
  const last = await git(dir, ["rev-list", "-1", commit, "--", path]);
  const touched = last.stdout.toString().trim();
  if (last.code !== 0 || touched === "") return undefined;
  // `touched` is the commit that deleted the file: its first parent still has it.
  const parent = await git(dir, ["rev-parse", "--verify", "--quiet", "--short", `${touched}^1`]);
  if (parent.code !== 0) return undefined;
  const rev = parent.stdout.toString().trim();
  const blob = await git(dir, ["cat-file", "blob", `${rev}:./${path}`]);
  return blob.code === 0 ? { text: blob.stdout.toString("utf8"), commit: rev } : undefined;
}

/** Fields still unknown although no file was reported (a state the parser does not recognise): named, so nothing passes silently. */
const incompleteProblems = (states: EnvironmentStates): StateProblem[] =>
  [...states.values()]
    .filter((s) => !isComplete(s))
    .map((s) => ({
      file: `overlays/${s.name}/`,
      message: `does not say ${REQUIRED_FIELDS.filter((k) => s[k] === undefined).join(", ") || "controllerNodes"}`,
    }));

/**
 * Environments of `names` that are not at `commit` but were committed before
 * (removed in an earlier commit): their last committed state, read leniently.
 * Their volumes are retained, so a re-added environment lands on them.
 */
export async function removedEarlier(dir: string, commit: string, names: readonly string[]): Promise<Array<{ label: string; state: PartialEnvironmentState }>> {
  const out: Array<{ label: string; state: PartialEnvironmentState }> = [];
  for (const name of names) {
    const last = await git(dir, ["rev-list", "-1", commit, "--", `overlays/${name}/kustomization.yaml`]);
    const removedIn = last.stdout.toString().trim();
    if (last.code !== 0 || removedIn === "") continue;
    const before = await resolveCommit(dir, `${removedIn}^1`);
    if (before === undefined) continue;
    const state = parseEnvironmentStates((await readRevision(dir, before)).files).states.get(name);
    if (state) out.push({ label: `the last committed state of ${name}, at ${before} (removed in ${removedIn.slice(0, 7)}; its volumes are retained)`, state });
  }
  return out;
}

/**
 * The environments committed at `ref`. An unborn HEAD (no commits yet) has
 * none. Throws UnreadableBaseError when any environment cannot be read whole.
 */
export async function readCommittedStates(dir: string, ref: string): Promise<CommittedStates> {
  const revision = await readRevision(dir, ref);
  const label = revision.commit === undefined ? `${ref} (no commits yet)` : ref === revision.commit ? ref : `${ref} at ${revision.commit}`;
  const files = new Map(revision.files);
  const recovered = new Map<string, string>();
  let parsed = parseEnvironmentStates(files);
  // A recovered kustomization.yaml may name further files: a few rounds reach every file of an environment.
  for (let round = 0; round < 4 && revision.commit !== undefined; round++) {
    const missing = parsed.problems.filter((p) => p.missing && !files.has(p.file) && !recovered.has(p.file));
    if (missing.length === 0) break;
    let found = false;
    for (const p of missing) {
      const old = await fromHistory(dir, revision.commit, p.file);
      if (!old) continue;
      files.set(p.file, old.text);
      recovered.set(p.file, old.commit);
      found = true;
    }
    if (!found) break;
    parsed = parseEnvironmentStates(fileTree(files));
  }
  const problems = parsed.problems.length ? parsed.problems : incompleteProblems(parsed.states);
  if (problems.length) throw new UnreadableBaseError(label, problems);
  return { label, states: parsed.states, recovered };
}
