// review/base-state: the environment states committed at a git revision, read
// strictly, because the guards compare against them: a file an environment
// needs that is missing at the revision is read from the last revision that
// still had it (a generated file deleted in an earlier commit keeps guarding),
// and anything still unreadable is an error naming the file and the revision,
// never a silent pass. Read-only (ls-tree, cat-file, rev-list; no checkout).
import { UserError } from "../errors.js";
import type { EnvironmentStates } from "../model/state.js";
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
  constructor(label: string, ref: string, problems: readonly StateProblem[]) {
    super(
      `cannot read the committed state of the environments in ${label}, so the guards cannot check this change; nothing was written:\n` +
        problems.map((p) => `  ${p.file}: ${p.message}`).join("\n") +
        `\nRestore or repair these files in a commit (\`git checkout <commit> -- <file>\` from a revision that has them), or compare with a revision whose tree is complete: --base REF. ` +
        `kafka-gitops never assumes that an unreadable environment is safe to change.`,
    );
    this.ref = ref;
  }
  readonly ref: string;
}

/** True when `dir` is inside a git work tree (the scaffold also runs outside one with --no-commit). */
export async function insideGitRepo(dir: string): Promise<boolean> {
  const out = await git(dir, ["rev-parse", "--is-inside-work-tree"]);
  return out.code === 0 && out.stdout.toString().trim() === "true";
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

const incompleteProblems = (states: EnvironmentStates, problems: readonly StateProblem[]): StateProblem[] => {
  const out: StateProblem[] = [];
  for (const s of states.values()) {
    if (isComplete(s)) continue;
    // Each missing field is explained by a problem about one of the environment's files; name the fields only when none is.
    const explained = problems.some((p) => p.file.startsWith(`overlays/${s.name}/`) || p.file.startsWith("base/") || p.file.startsWith("clusters/"));
    if (!explained) out.push({ file: `overlays/${s.name}/`, message: `does not say ${REQUIRED_FIELDS.filter((k) => s[k] === undefined).join(", ") || "controllerNodes"}` });
  }
  return out;
};

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
  const problems = [...parsed.problems, ...incompleteProblems(parsed.states, parsed.problems)];
  if (problems.length) throw new UnreadableBaseError(label, ref, problems);
  return { label, states: parsed.states, recovered };
}
