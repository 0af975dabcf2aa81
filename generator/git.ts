// The git step: the only module that imports simple-git (loaded lazily, since
// --check, --dry-run and --no-commit never need it).
import { GitError } from "./errors.js";

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
    await repo.git.raw(["commit", "--quiet", "-m", message, "--", ...paths]);
    return (await repo.git.raw(["rev-parse", "--short", "HEAD"])).trim();
  } catch (err) {
    throw new GitError(`git commit failed: ${(err as Error).message.trim()}\nThe files are written; fix the problem and commit them by hand, or run the scaffold again.`);
  }
}
