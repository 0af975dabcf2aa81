// The git step: the only module that imports simple-git (loaded lazily, since
// --check, --dry-run and --no-commit never need it).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GitError, UsageError } from "./errors.js";

type SimpleGit = import("simple-git").SimpleGit;

export interface Repo {
  git: SimpleGit;
  dir: string;
}

export async function openRepo(dir: string): Promise<Repo> {
  const { simpleGit } = await import("simple-git");
  const git = simpleGit({ baseDir: dir });
  let inside = false;
  try {
    inside = (await git.raw(["rev-parse", "--is-inside-work-tree"])).trim() === "true";
  } catch {
    inside = false;
  }
  if (!inside)
    throw new GitError(`${dir} is not a git repository: run \`git init --initial-branch=main\` there, or pass --no-commit to only write the files`);
  return { git, dir };
}

/** Fails before anything is written when git could not commit anyway. */
export async function checkIdentity(repo: Repo): Promise<void> {
  const get = async (key: string) => {
    try {
      return (await repo.git.raw(["config", "--get", key])).trim();
    } catch {
      return "";
    }
  };
  const missing = [];
  if (!(await get("user.name"))) missing.push('git config user.name "Your Name"');
  if (!(await get("user.email"))) missing.push('git config user.email "you@example.com"');
  if (missing.length)
    throw new GitError(`git has no identity to commit with; set it (add --global for every repository):\n  ${missing.join("\n  ")}\nor pass --no-commit`);
}

/** Paths among `paths` whose working-tree or staged content differs from HEAD (untracked included). */
export async function uncommittedPaths(repo: Repo, paths: readonly string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  const out = await repo.git.raw(["status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ...paths]);
  return out
    .split("\0")
    .filter((entry) => entry.length > 3)
    .map((entry) => entry.slice(3))
    .sort();
}

async function trackedPaths(repo: Repo, paths: readonly string[]): Promise<Set<string>> {
  if (paths.length === 0) return new Set();
  const out = await repo.git.raw(["ls-files", "-z", "--", ...paths]);
  return new Set(out.split("\0").filter(Boolean));
}

/**
 * Stages exactly `present` (files that exist) and `removed` (files deleted from the
 * tree), then commits only those paths. Returns the new commit id, or undefined
 * when they already match HEAD.
 */
export async function commitPaths(repo: Repo, present: readonly string[], removed: readonly string[], message: string): Promise<string | undefined> {
  const gone = [...(await trackedPaths(repo, removed))];
  const paths = [...present, ...gone];
  if (paths.length === 0) return undefined;
  try {
    await repo.git.raw(["add", "-A", "--", ...paths]);
    const staged = (await repo.git.raw(["diff", "--cached", "--name-only", "-z", "--", ...paths])).split("\0").filter(Boolean);
    if (staged.length === 0) return undefined;
    // The message goes through a file: a fleet's message is longer than one command-line argument may be (E2BIG).
    await withMessageFile(message, (file) => repo.git.raw(["commit", "--quiet", "-F", file, "--", ...paths]));
    return (await repo.git.raw(["rev-parse", "--short", "HEAD"])).trim();
  } catch (err) {
    throw new GitError(`git commit failed: ${(err as Error).message.trim()}\nThe files are written; fix the problem and commit them by hand, or run the scaffold again.`);
  }
}

async function withMessageFile<T>(message: string, use: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "kafka-gitops-msg-"));
  try {
    const file = join(dir, "COMMIT_MSG");
    await writeFile(file, message);
    return await use(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// simple-git resolves (with empty output) when git exits non-zero without writing to
// stderr, so the queries below read their answer from the output, never from the exit code.

/** The checked-out branch, also before the first commit; undefined on a detached HEAD. */
export async function currentBranch(repo: Repo): Promise<string | undefined> {
  const out = await repo.git.raw(["symbolic-ref", "--quiet", "--short", "HEAD"]).catch(() => "");
  return out.trim() || undefined;
}

async function commitOf(repo: Repo, ref: string): Promise<string | undefined> {
  const out = await repo.git.raw(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]).catch(() => "");
  return out.trim() || undefined;
}

/** How to get onto the branch a --branch commit goes to. */
export interface BranchStep {
  name: string;
  /** The branch (or detached HEAD) the run started on; its ref never moves. */
  from?: string;
  create: boolean;
  switch: boolean;
}

/**
 * Read-only. Only switches that change no file are made: a new branch at HEAD,
 * or an existing one at HEAD's commit. So the tree planned before the switch is
 * the tree committed after it, and every refusal comes before anything is written.
 */
export async function planBranch(repo: Repo, name: string): Promise<BranchStep> {
  // `check-ref-format --branch` echoes a valid name back; it expands @{-1}-style names, which are refused too.
  const echoed = name.startsWith("-") ? "" : (await repo.git.raw(["check-ref-format", "--branch", name]).catch(() => "")).trim();
  if (echoed !== name) throw new UsageError(`--branch ${JSON.stringify(name)} is not a valid branch name (see \`git check-ref-format --help\`)`);
  const current = await currentBranch(repo);
  if (current === name) return { name, create: false, switch: false };
  const from = current ?? "the detached HEAD";
  const target = await commitOf(repo, `refs/heads/${name}`);
  if (target === undefined) return { name, from, create: true, switch: true };
  if (target === (await commitOf(repo, "HEAD"))) return { name, from, create: false, switch: true };
  throw new GitError(
    `branch ${name} already exists and points at another commit than ${from}: to add to it, run \`git switch ${name}\` and scaffold again; ` +
      "for a new pull request, choose a new branch name (nothing was written)",
  );
}

export async function switchBranch(repo: Repo, step: BranchStep): Promise<void> {
  try {
    await repo.git.raw(["switch", "--quiet", ...(step.create ? ["--create"] : []), step.name]);
  } catch (err) {
    throw new GitError(`git switch ${step.name} failed: ${(err as Error).message.trim()}\nNothing was written.`);
  }
}

export const REMOTE = "origin";

export async function checkRemote(repo: Repo): Promise<void> {
  const url = await repo.git.raw(["remote", "get-url", REMOTE]).catch(() => "");
  if (!url.trim())
    throw new GitError(`--push needs a remote named ${REMOTE}: add it with \`git remote add ${REMOTE} <url>\` (nothing was written)`);
}

/**
 * Pushes `branch` to origin and makes it the upstream. Never forces: a push that
 * would drop commits on the remote is refused by git, and reported with the way out.
 * `retry` is the command that pushes again once the branch is fixed.
 */
export async function pushBranch(repo: Repo, branch: string, retry: string): Promise<"pushed" | "up-to-date"> {
  if ((await commitOf(repo, "HEAD")) === undefined) return "up-to-date";
  const ref = `refs/heads/${branch}`;
  let out: string;
  let failed = false;
  try {
    out = await repo.git.raw(["push", "--porcelain", "--set-upstream", REMOTE, `${ref}:${ref}`]);
  } catch (err) {
    out = (err as Error).message;
    failed = true;
  }
  // Porcelain status lines: "<flag>\t<from>:<to>\t<summary>"; '=' up to date, '!' refused.
  const line = out.split("\n").find((l) => l.includes(`\t${ref}:${ref}\t`)) ?? "";
  if (!failed && line.startsWith("=")) return "up-to-date";
  if (!failed && line !== "" && !line.startsWith("!")) return "pushed";
  const kept = `Your commits stay on the local branch ${branch}; nothing was forced.`;
  if (line.startsWith("!") && /\[rejected\]/.test(line))
    throw new GitError(
      `push rejected: ${REMOTE}/${branch} has commits that this branch does not have (someone pushed first).\n${kept}\n` +
        `To publish them on top:\n  git pull --rebase ${REMOTE} ${branch}\n  ${retry}\n` +
        "If the rebase stops on a conflict in a generated file, take either version (`git checkout --theirs -- <file> && git add <file>`, then `git rebase --continue`): the scaffold rewrites generated files from the config.",
    );
  throw new GitError(`git push to ${REMOTE} failed:\n${out.trim()}\n${kept}\nFix the problem, then run: ${retry}`);
}
