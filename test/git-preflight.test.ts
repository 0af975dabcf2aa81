// Git preconditions the scaffold checks before its first write, in real
// repositories: operations in progress, ignored generated paths, a detached
// HEAD, identity from wherever git takes it, and a fleet too large for one
// command line.
import test from "ava";
import { execFile } from "node:child_process";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { config } from "./support/configs.js";
import { fleetConfig } from "./support/fleet.js";
import { commitCount, git } from "./support/git-repo.js";
import { cli } from "./support/run-cli.js";
import { scratchDir, scratchRepo } from "./support/scratch.js";

const exec = promisify(execFile);
const CONFIG = config({ dev: "{brokers: 1}", prod: "{brokers: 3}" });
const GROWN = config({ dev: "{brokers: 1}", prod: "{brokers: 4}" });
const scaffold = (dir: string, ...args: string[]) => cli(dir, ["scaffold", "--dir", dir, ...args]);
const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );
/** git that may fail (a conflicting merge exits 1), for setting up the states below. */
const tryGit = (dir: string, ...args: string[]) => exec("git", args, { cwd: dir }).catch(() => undefined);

/** A scaffolded repository with branch `side` and main both changing notes.txt, so combining them stops on a conflict. */
async function diverged(t: Parameters<typeof scratchRepo>[0]): Promise<string> {
  const dir = await scratchRepo(t, CONFIG);
  t.is((await scaffold(dir)).code, 0);
  await writeFile(join(dir, "notes.txt"), "base\n");
  await git(dir, "add", "notes.txt");
  await git(dir, "commit", "--quiet", "-m", "notes");
  await git(dir, "switch", "--quiet", "-c", "side");
  await writeFile(join(dir, "notes.txt"), "side\n");
  await git(dir, "commit", "--quiet", "-am", "side");
  await git(dir, "switch", "--quiet", "main");
  await writeFile(join(dir, "notes.txt"), "main\n");
  await git(dir, "commit", "--quiet", "-am", "main");
  return dir;
}

const OPERATIONS = [
  { what: "a merge", start: ["merge", "side"], finish: /Finish it \(git commit\) or abort it \(git merge --abort\)/ },
  { what: "a rebase", start: ["rebase", "side"], finish: /Finish it \(git rebase --continue\) or abort it \(git rebase --abort\)/ },
  { what: "a cherry-pick", start: ["cherry-pick", "side"], finish: /\(git cherry-pick --continue\) or abort it \(git cherry-pick --abort\)/ },
  // Reverting the commit that created notes.txt conflicts with main's later change to it.
  { what: "a revert", start: ["revert", "--no-edit", "HEAD~1"], finish: /\(git revert --continue\) or abort it \(git revert --abort\)/ },
  { what: "a bisect", start: ["bisect", "start"], finish: /abort it \(git bisect reset\)/ },
];

for (const op of OPERATIONS)
  test(`${op.what} in progress: refused before anything is written, saying how to finish or abort it`, async (t) => {
    const dir = await diverged(t);
    await tryGit(dir, ...op.start);
    const head = await git(dir, "rev-parse", "HEAD");
    const env = await readFile(join(dir, "overlays", "prod", "kafka.env"), "utf8");
    await writeFile(join(dir, "kafka-gitops.yaml"), GROWN);
    const run = await scaffold(dir);
    t.is(run.code, 1, run.stdout);
    t.regex(run.stderr, new RegExp(`^error: ${op.what} is in progress in this repository`, "m"));
    t.regex(run.stderr, op.finish);
    t.regex(run.stderr, /pass --no-commit\. Nothing was written\.$/m);
    t.is(await readFile(join(dir, "overlays", "prod", "kafka.env"), "utf8"), env, "nothing written");
    t.is(await git(dir, "rev-parse", "HEAD"), head, "nothing committed");
  });

test("generated paths that .gitignore hides are refused with the pattern and its file; a ! exception is honoured", async (t) => {
  const dir = await scratchRepo(t, CONFIG);
  await writeFile(join(dir, ".gitignore"), "# local files\n*.env\n");
  const run = await scaffold(dir);
  t.is(run.code, 1);
  t.regex(run.stderr, /^error: git ignores 3 generated paths, so the commit would leave them out:$/m);
  t.regex(run.stderr, /^ {2}overlays\/prod\/kafka\.env {2}\(pattern "\*\.env" in \.gitignore:2\)$/m);
  t.regex(run.stderr, /Remove or narrow those patterns .* or pass --no-commit\. Nothing was written\.$/m);
  t.false(await exists(join(dir, "base")), "nothing written");

  await writeFile(join(dir, ".gitignore"), "*.env\n!kafka.env\n");
  const allowed = await scaffold(dir);
  t.is(allowed.code, 0, allowed.stderr);
  t.true((await git(dir, "ls-files", "overlays/prod/kafka.env")).length > 0, "the re-included file is committed");
});

test("a detached HEAD: a commit is refused unless --branch names where it goes", async (t) => {
  const dir = await scratchRepo(t, CONFIG);
  t.is((await scaffold(dir)).code, 0);
  await git(dir, "switch", "--quiet", "--detach");
  await writeFile(join(dir, "kafka-gitops.yaml"), GROWN);
  const env = await readFile(join(dir, "overlays", "prod", "kafka.env"), "utf8");
  const run = await scaffold(dir);
  t.is(run.code, 1);
  t.regex(run.stderr, /^error: HEAD is detached, so a commit would belong to no branch: pass --branch NAME/m);
  t.is(await readFile(join(dir, "overlays", "prod", "kafka.env"), "utf8"), env, "nothing written");
  t.is(await commitCount(dir), 1);

  const onBranch = await scaffold(dir, "--branch", "kafka/prod-4");
  t.is(onBranch.code, 0, onBranch.stderr);
  t.is((await git(dir, "rev-list", "--count", "kafka/prod-4")).trim(), "2");
});

test("identity only from GIT_AUTHOR_* / GIT_COMMITTER_* variables, or only from GIT_CONFIG_GLOBAL, is accepted and used", async (t) => {
  const dir = await scratchRepo(t, CONFIG, { identity: false });
  const run = await cli(dir, ["scaffold", "--dir", dir], {
    GIT_AUTHOR_NAME: "Env Author",
    GIT_AUTHOR_EMAIL: "author@example.com",
    GIT_COMMITTER_NAME: "Env Committer",
    GIT_COMMITTER_EMAIL: "committer@example.com",
  });
  t.is(run.code, 0, run.stderr);
  t.is((await git(dir, "log", "-1", "--format=%an <%ae> / %cn <%ce>")).trim(), "Env Author <author@example.com> / Env Committer <committer@example.com>");

  const home = await scratchDir(t);
  await writeFile(join(home, "identity.gitconfig"), "[user]\n\tname = Global File\n\temail = global@example.com\n");
  await writeFile(join(dir, "kafka-gitops.yaml"), GROWN);
  const fromFile = await cli(dir, ["scaffold", "--dir", dir], { GIT_CONFIG_GLOBAL: join(home, "identity.gitconfig") });
  t.is(fromFile.code, 0, fromFile.stderr);
  t.is((await git(dir, "log", "-1", "--format=%an <%ae>")).trim(), "Global File <global@example.com>");

  await writeFile(join(dir, "kafka-gitops.yaml"), CONFIG);
  const none = await cli(dir, ["scaffold", "--dir", dir, "--allow-scale-down"]);
  t.is(none.code, 1, "and with no identity anywhere, still refused");
  t.regex(none.stderr, /git has no identity to commit with/);
});

test("a 200-environment deployment-per-broker fleet commits on the first run", async (t) => {
  const dir = await scratchRepo(t, fleetConfig());
  const run = await scaffold(dir);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, /committed [0-9a-f]{7}/);
  t.is(await commitCount(dir), 1);
  const message = await git(dir, "log", "-1", "--format=%B");
  // Above Linux's limit for one argument (128 KiB), so `git commit -m` could not pass it.
  t.true(Buffer.byteLength(message) > 128 * 1024, `message is ${Buffer.byteLength(message)} bytes`);
  t.regex(message, /^env-199: 3 brokers/m, "the body names every environment");
  const committed = (await git(dir, "ls-files")).trim().split("\n");
  t.true(committed.length > 2500, `${committed.length} files committed`);
  t.is(await git(dir, "status", "--porcelain"), "", "everything generated is committed");
});
