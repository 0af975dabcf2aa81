// The git step: the only module that imports simple-git (loaded lazily, since
// --check, --dry-run and --no-commit never need it).
import { stat, rm, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { GitError, UsageError } from "./errors.js";
import { runGit } from "./git-spawn.js";

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

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
  if (!inside) throw new GitError(`${dir} is not a git repository: run \`git init --initial-branch=main\` there, or pass --no-commit to only write the files`);
  return { git, dir };
}

/**
 * Fails before anything is written when git could not commit anyway. Asks git
 * itself (`git var`), so every source git accepts counts: config at any level,
 * GIT_AUTHOR_* / GIT_COMMITTER_* variables, EMAIL. The commit runs with the same
 * environment (runGit), so what passes here is what the commit uses.
 */
export async function checkIdentity(repo: Repo): Promise<void> {
  const missing: string[] = [];
  for (const role of ["AUTHOR", "COMMITTER"] as const) {
    const run = await runGit(repo.dir, ["var", `GIT_${role}_IDENT`]);
    if (run.code !== 0 || !run.stdout.trim()) missing.push(role);
  }
  if (missing.length)
    throw new GitError(
      "git has no identity to commit with; set it (add --global for every repository):\n" +
        '  git config user.name "Your Name"\n  git config user.email "you@example.com"\n' +
        `or set GIT_AUTHOR_NAME/GIT_AUTHOR_EMAIL and GIT_COMMITTER_NAME/GIT_COMMITTER_EMAIL, or pass --no-commit (nothing was written; \`git var GIT_${missing[0]}_IDENT\` shows what git finds)`,
    );
}

/** What git leaves in its directory while an operation waits for the user, and how to finish or abort each. */
const IN_PROGRESS = [
  { marker: "rebase-merge", what: "a rebase", finish: "git rebase --continue", abort: "git rebase --abort" },
  { marker: "rebase-apply/applying", what: "a `git am`", finish: "git am --continue", abort: "git am --abort" },
  { marker: "rebase-apply", what: "a rebase", finish: "git rebase --continue", abort: "git rebase --abort" },
  { marker: "MERGE_HEAD", what: "a merge", finish: "git commit", abort: "git merge --abort" },
  { marker: "CHERRY_PICK_HEAD", what: "a cherry-pick", finish: "git cherry-pick --continue", abort: "git cherry-pick --abort" },
  { marker: "REVERT_HEAD", what: "a revert", finish: "git revert --continue", abort: "git revert --abort" },
  { marker: "BISECT_LOG", what: "a bisect", finish: "git bisect good/bad until it ends", abort: "git bisect reset" },
] as const;

/** Refuses while a merge, rebase, cherry-pick, revert, am or bisect waits for the user: a commit now would land in the middle of it. */
export async function checkNothingInProgress(repo: Repo): Promise<void> {
  const run = await runGit(repo.dir, ["rev-parse", ...IN_PROGRESS.flatMap((o) => ["--git-path", o.marker])]);
  if (run.code !== 0) throw new GitError(`git rev-parse failed: ${run.stderr.trim()}`);
  const paths = run.stdout.split("\n");
  for (const [i, op] of IN_PROGRESS.entries()) {
    const path = paths[i];
    if (path === undefined || !(await exists(resolve(repo.dir, path)))) continue;
    throw new GitError(
      `${op.what} is in progress in this repository, and a scaffold commit would land in the middle of it.\n` +
        `Finish it (${op.finish}) or abort it (${op.abort}), then scaffold again. ` +
        "To only regenerate files while resolving it, pass --no-commit. Nothing was written.",
    );
  }
}

/** Refuses generated paths that an ignore rule hides from `git add`; names each rule and the file it is in. */
export async function checkNotIgnored(repo: Repo, paths: readonly string[]): Promise<void> {
  if (paths.length === 0) return;
  // One process for any number of paths: NUL-separated on standard input, never on the command line.
  const run = await runGit(repo.dir, ["check-ignore", "--verbose", "-z", "--stdin"], paths.join("\0") + "\0");
  if (run.code > 1) throw new GitError(`git check-ignore failed: ${run.stderr.trim()}`);
  const fields = run.stdout.split("\0");
  const hidden: string[] = [];
  for (let i = 0; i + 3 < fields.length; i += 4) {
    const [source, line, pattern, path] = fields.slice(i, i + 4) as [string, string, string, string];
    // A matching "!pattern" re-includes the path: it is not ignored.
    if (pattern.startsWith("!")) continue;
    hidden.push(`  ${path}  (pattern ${JSON.stringify(pattern)} in ${source}:${line})`);
  }
  if (hidden.length)
    throw new GitError(
      `git ignores ${hidden.length} generated path${hidden.length === 1 ? "" : "s"}, so the commit would leave ${hidden.length === 1 ? "it" : "them"} out:\n` +
        `${hidden.slice(0, 20).join("\n")}${hidden.length > 20 ? `\n  ... and ${hidden.length - 20} more` : ""}\n` +
        "Remove or narrow those patterns (or add a `!` exception for the generated folders), or pass --no-commit. Nothing was written.",
    );
}

/**
 * The top-level names of `paths` ("overlays/dev/a.yaml" -> "overlays"): a pathspec
 * whose length does not grow with the number of files, for commands that cannot
 * read their paths from a file. Results are filtered to `paths` afterwards.
 */
function roots(paths: readonly string[]): string[] {
  return [...new Set(paths.map((p) => p.split("/")[0]!))].sort();
}

/** This directory's path inside the work tree ("" at the top, "sub/" below), which porcelain status puts in front of paths. */
async function prefix(repo: Repo): Promise<string> {
  return (await repo.git.raw(["rev-parse", "--show-prefix"])).trim();
}

/** Paths among `paths` whose working-tree or staged content differs from HEAD (untracked included). */
export async function uncommittedPaths(repo: Repo, paths: readonly string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  const wanted = new Set(paths);
  const top = await prefix(repo);
  const out = await repo.git.raw(["--literal-pathspecs", "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ...roots(paths)]);
  return out
    .split("\0")
    .filter((entry) => entry.length > 3)
    .map((entry) => entry.slice(3))
    .map((p) => (p.startsWith(top) ? p.slice(top.length) : p))
    .filter((p) => wanted.has(p))
    .sort();
}

async function trackedPaths(repo: Repo, paths: readonly string[]): Promise<Set<string>> {
  if (paths.length === 0) return new Set();
  const wanted = new Set(paths);
  const out = await repo.git.raw(["--literal-pathspecs", "ls-files", "-z", "--", ...roots(paths)]);
  return new Set(out.split("\0").filter((p) => wanted.has(p)));
}

/**
 * Stages exactly `present` (files that exist) and `removed` (files deleted from the
 * tree), then commits only those paths. Returns the new commit id, or undefined
 * when they already match HEAD. Paths go to git on standard input and the message
 * through a file, so neither is limited by the size of a command line.
 */
export async function commitPaths(repo: Repo, present: readonly string[], removed: readonly string[], message: string): Promise<string | undefined> {
  const gone = [...(await trackedPaths(repo, removed))];
  const paths = [...new Set([...present, ...gone])];
  if (paths.length === 0) return undefined;
  const pathList = paths.join("\0") + "\0";
  const fail = (what: string, detail: string) =>
    new GitError(`${what} failed: ${detail.trim()}\nThe files are written; fix the problem and commit them by hand, or run the scaffold again.`);
  const add = await runGit(repo.dir, ["--literal-pathspecs", "add", "-A", "--pathspec-from-file=-", "--pathspec-file-nul"], pathList);
  if (add.code !== 0) throw fail("git add", add.stderr);
  const wanted = new Set(paths);
  const staged = await runGit(repo.dir, ["diff", "--cached", "--name-only", "--relative", "-z"]);
  if (staged.code !== 0) throw fail("git diff --cached", staged.stderr);
  if (!staged.stdout.split("\0").some((p) => wanted.has(p))) return undefined;
  // The message file sits in the git directory, where git keeps its own COMMIT_EDITMSG.
  const where = await runGit(repo.dir, ["rev-parse", "--git-path", `kafka-gitops-message-${process.pid}`]);
  const messageFile = resolve(repo.dir, where.stdout.trim());
  await writeFile(messageFile, message, "utf8");
  try {
    const commit = await runGit(
      repo.dir,
      ["--literal-pathspecs", "commit", "--quiet", "-F", messageFile, "--pathspec-from-file=-", "--pathspec-file-nul"],
      pathList,
    );
    if (commit.code !== 0) throw fail("git commit", commit.stderr || commit.stdout);
  } finally {
    await rm(messageFile, { force: true });
  }
  return (await repo.git.raw(["rev-parse", "--short", "HEAD"])).trim();
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
  if (!url.trim()) throw new GitError(`--push needs a remote named ${REMOTE}: add it with \`git remote add ${REMOTE} <url>\` (nothing was written)`);
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
