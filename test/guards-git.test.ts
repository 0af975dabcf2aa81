// The guards compare with what is committed, in real git repositories: no
// rebase, deleted file or --force switches them off, and a committed state
// that cannot be read stops the scaffold (fail closed), naming the file.
import test, { type ExecutionContext } from "ava";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { commitCount, git, tempRepo } from "./support/git-repo.js";
import { cli, type Run } from "./support/run-cli.js";

const config = (prod: string, dev = "{}") => `repo:\n  url: https://github.com/acme/kafka-gitops.git\nenvironments:\n  dev: ${dev}\n  prod: ${prod}\n`;

async function repo(t: ExecutionContext, text: string): Promise<string> {
  const dir = await tempRepo(text);
  const remote = (await git(dir, "remote", "get-url", "origin")).trim();
  t.teardown(() => Promise.all([rm(dir, { recursive: true, force: true }), rm(remote, { recursive: true, force: true })]).then(() => undefined));
  return dir;
}

const scaffold = (dir: string, ...args: string[]): Promise<Run> => cli(dir, ["scaffold", "--dir", dir, ...args]);

async function ok(t: ExecutionContext, run: Promise<Run>): Promise<Run> {
  const r = await run;
  t.is(r.code, 0, r.stderr + r.stdout);
  return r;
}

const noStack = (t: ExecutionContext, stderr: string) => t.notRegex(stderr, /^\s+at .+:\d+:\d+\)?$/m, "no stack trace");

test("a rebase that keeps this side's generated files cannot push a 5 -> 4 scale-down", async (t) => {
  const dir = await repo(t, config("{brokers: 4}"));
  await ok(t, scaffold(dir, "--push"));
  // Someone else scales prod to 5 and pushes.
  const remote = (await git(dir, "remote", "get-url", "origin")).trim();
  const other = join(dir, "..", `${dir.split("/").pop()}-other`);
  t.teardown(() => rm(other, { recursive: true, force: true }));
  await git(dir, "clone", "--quiet", remote, other);
  await git(other, "config", "user.name", "Other");
  await git(other, "config", "user.email", "other@example.com");
  await writeFile(join(other, "kafka-gitops.yaml"), config("{brokers: 5}"));
  await ok(t, scaffold(other, "--push"));
  // Meanwhile this side changes prod too (still 4 brokers), then rebases and resolves every conflict with its own side.
  await writeFile(join(dir, "kafka-gitops.yaml"), config("{brokers: 4, config: {num.partitions: 3}}"));
  await ok(t, scaffold(dir));
  await git(dir, "fetch", "--quiet", "origin");
  await git(dir, "rebase", "origin/main").catch(() => undefined);
  // Every conflict resolved with this side's files (ORIG_HEAD is the branch before the rebase).
  await git(dir, "checkout", "ORIG_HEAD", "--", "kafka-gitops.yaml", "base", "overlays", "clusters");
  await git(dir, "add", "-A");
  await git(dir, "-c", "core.editor=true", "rebase", "--continue");
  t.regex(await readFile(join(dir, "overlays/prod/kustomization.yaml"), "utf8"), /name: kafka-broker\n {4}count: 1/, "the tree says 4 brokers");

  const push = await scaffold(dir, "--push");
  t.is(push.code, 1, push.stdout);
  t.regex(
    push.stderr,
    /environments\.prod\.brokers: refused: brokers decrease from 5 to 4: .*\(compared with origin\/main at [0-9a-f]{7,}, which --push updates\)\. Safe way: .*pass --allow-scale-down\./,
  );
  noStack(t, push.stderr);
  t.is((await git(dir, "rev-parse", "origin/main")).trim(), (await git(other, "rev-parse", "HEAD")).trim(), "nothing was pushed");
  const drained = await scaffold(dir, "--push", "--allow-scale-down");
  t.is(drained.code, 0, drained.stderr);
  t.regex(drained.stdout, /pushed main to origin/);
});

test("a generated file deleted in an earlier commit still guards: its state is read from the last revision that had it", async (t) => {
  const dir = await repo(t, config("{brokers: 3, storage: {size: 100Gi}}"));
  await ok(t, scaffold(dir));
  const kept = await git(dir, "rev-parse", "--short", "HEAD");
  await git(dir, "rm", "--quiet", "overlays/prod/statefulsets.yaml");
  await git(dir, "commit", "--quiet", "-m", "drop a generated file");
  await writeFile(join(dir, "kafka-gitops.yaml"), config("{brokers: 3, storage: {size: 50Gi}}"));
  const run = await scaffold(dir);
  t.is(run.code, 1, run.stdout);
  t.regex(run.stderr, /environments\.prod\.storage\.size: refused: storage per broker decreases from 100Gi to 50Gi/);
  t.false((await git(dir, "status", "--porcelain")).includes("overlays/prod/statefulsets.yaml"), "nothing written");
  t.is(await commitCount(dir), 2);
  t.truthy(kept);
});

test("a committed state that cannot be read is an error naming the file and the revision, never a pass", async (t) => {
  const dir = await repo(t, config("{brokers: 3, storage: {size: 100Gi}}"));
  await ok(t, scaffold(dir));
  await writeFile(join(dir, "overlays/prod/kafka.env"), "this is not an env file\n");
  await git(dir, "commit", "--quiet", "-am", "hand edit");
  const head = (await git(dir, "rev-parse", "--short", "HEAD")).trim();
  await writeFile(join(dir, "kafka-gitops.yaml"), config("{brokers: 3, storage: {size: 50Gi}}"));
  for (const flags of [[], ["--force"], ["--allow-storage-change", "prod", "--force"]]) {
    const run = await scaffold(dir, ...flags);
    t.is(run.code, 1, `${flags.join(" ")}: ${run.stdout}`);
    t.regex(
      run.stderr,
      new RegExp(`cannot read the committed state of the environments in HEAD at ${head}[^\\n]*\\n  overlays/prod/kafka\\.env: line 1 is not KEY=value`),
    );
    t.regex(run.stderr, /--base REF/);
    noStack(t, run.stderr);
  }
  t.is(await readFile(join(dir, "overlays/prod/kafka.env"), "utf8"), "this is not an env file\n", "nothing written");

  // A piece that no revision ever had: refused too.
  const fresh = await repo(t, config("{brokers: 3}"));
  await ok(t, scaffold(fresh, "--no-commit"));
  await rm(join(fresh, "overlays/prod/statefulsets.yaml"));
  await git(fresh, "add", "-A");
  await git(fresh, "commit", "--quiet", "-m", "by hand");
  const missing = await scaffold(fresh);
  t.is(missing.code, 1);
  t.regex(missing.stderr, /overlays\/prod\/statefulsets\.yaml: missing \(a patch of overlays\/prod\/kustomization\.yaml\)/);
});

test("--force after deleting an overlay accepts neither a new topology, nor a new cluster id, nor a storage shrink", async (t) => {
  const dir = await repo(t, config("{brokers: 3, storage: {size: 100Gi}}"));
  await ok(t, scaffold(dir));
  const risky = config("{brokers: 3, topology: dedicated, clusterId: AAAAAAAAAAAAAAAAAAAAAA, storage: {size: 50Gi}}");
  await writeFile(join(dir, "kafka-gitops.yaml"), risky);
  for (const committed of [false, true]) {
    await rm(join(dir, "overlays/prod"), { recursive: true, force: true });
    if (committed) {
      await git(dir, "add", "-A", "overlays");
      await git(dir, "commit", "--quiet", "-m", "delete the overlay");
    }
    const run = await scaffold(dir, "--force");
    t.is(run.code, 1, run.stdout);
    const refused = run.stderr
      .split("\n")
      .filter((l) => l.includes(": refused: "))
      .map((l) => l.trim().split(": refused")[0]);
    t.deepEqual(refused, ["environments.prod.clusterId", "environments.prod.topology", "environments.prod.storage.size"], run.stderr);
    noStack(t, run.stderr);
  }
  // Each with its own flag, it goes through.
  const allowed = await scaffold(dir, "--force", "--allow-identity-change", "prod", "--allow-storage-change", "prod");
  t.is(allowed.code, 0, allowed.stderr);
});

test("--base REF: the guards compare with that revision", async (t) => {
  const dir = await repo(t, config("{brokers: 4}"));
  await ok(t, scaffold(dir));
  await writeFile(join(dir, "kafka-gitops.yaml"), config("{brokers: 3}"));
  await ok(t, scaffold(dir, "--allow-scale-down"));
  // Against HEAD nothing changes; against the revision before it, 4 -> 3 brokers.
  await ok(t, scaffold(dir, "--dry-run"));
  const old = await scaffold(dir, "--dry-run", "--base", "HEAD~1");
  t.is(old.code, 1);
  t.regex(old.stderr, /environments\.prod\.brokers: refused: brokers decrease from 4 to 3: .*\(compared with HEAD~1 at [0-9a-f]+\)/);
  const unknown = await scaffold(dir, "--base", "no-such-ref");
  t.is(unknown.code, 1);
  t.regex(unknown.stderr, /--base no-such-ref: unknown revision/);
  const usage = await scaffold(dir, "--base", "");
  t.is(usage.code, 2);
});

test("a rename keeps its volumes only with its identity pinned; the messages say which", async (t) => {
  const dir = await repo(t, config("{brokers: 3}"));
  await ok(t, scaffold(dir));
  const id = /CLUSTER_ID=(\S+)/.exec(await readFile(join(dir, "overlays/prod/kafka.env"), "utf8"))![1]!;
  const renamed = (body: string) => `repo:\n  url: https://github.com/acme/kafka-gitops.git\nenvironments:\n  dev: {}\n  production: ${body}\n`;
  await writeFile(join(dir, "kafka-gitops.yaml"), renamed("{brokers: 3, namespace: kafka-prod}"));
  const sameNamespace = await scaffold(dir);
  t.is(sameNamespace.code, 1);
  t.regex(sameNamespace.stderr, new RegExp(`environments\\.production\\.clusterId: refused: CLUSTER_ID changes from ${id}`));
  await writeFile(join(dir, "kafka-gitops.yaml"), renamed(`{brokers: 3, namespace: kafka-prod, clusterId: ${id}}`));
  const pinned = await scaffold(dir);
  t.is(pinned.code, 0, pinned.stderr);
  t.regex(pinned.stderr + pinned.stdout, /warning: production: environment prod is renamed to production: it keeps namespace kafka-prod/);
});

test("a failure reading a path is one clear message naming it, without a stack trace unless --debug", async (t) => {
  const dir = await repo(t, config("{brokers: 1}"));
  await ok(t, scaffold(dir));
  // A directory where a generated file belongs: reading it fails inside the scaffold.
  await rm(join(dir, "overlays/prod/kafka.env"));
  await mkdir(join(dir, "overlays/prod/kafka.env"));
  const run = await scaffold(dir);
  t.is(run.code, 1);
  t.regex(run.stderr, /^error: [\s\S]*overlays\/prod\/kafka\.env/);
  t.is(
    run.stderr
      .trim()
      .split("\n")
      .filter((l) => l.startsWith("error:")).length,
    1,
    run.stderr,
  );
  noStack(t, run.stderr);
  const debug = await scaffold(dir, "--debug");
  t.is(debug.code, 1);
  t.regex(debug.stderr, /^\s+at .+:\d+:\d+\)?$/m, "--debug prints the stack");
  // diff with --dir at a file (git cannot even start there): named, not an internal error.
  const file = join(dir, "kafka-gitops.yaml");
  const diffRun = await cli(dir, ["diff", "--summary", "--dir", file]);
  t.is(diffRun.code, 1);
  t.regex(diffRun.stderr, /^error: --dir .*kafka-gitops\.yaml is not a directory/);
  t.notRegex(diffRun.stderr, /internal error/);
  // The config itself unreadable (a directory): the same, naming the config file.
  const other = await repo(t, undefined as unknown as string);
  await mkdir(join(other, "kafka-gitops.yaml"));
  const config2 = await scaffold(other);
  t.is(config2.code, 1);
  t.regex(config2.stderr, /kafka-gitops\.yaml/);
  noStack(t, config2.stderr);
});

test("diff reports identity changes (server, kafka.name) as risks", async (t) => {
  const dir = await repo(t, config("{brokers: 3}"));
  await ok(t, scaffold(dir));
  await writeFile(join(dir, "kafka-gitops.yaml"), config("{brokers: 3, server: 'https://other.example.com'}"));
  const refused = await scaffold(dir);
  t.is(refused.code, 1);
  t.regex(
    refused.stderr,
    /environments\.prod\.server: refused: destination server changes from https:\/\/kubernetes\.default\.svc to https:\/\/other\.example\.com.*--allow-move prod\./,
  );
  await ok(t, scaffold(dir, "--no-commit", "--allow-move", "prod"));
  const summary = await cli(dir, ["diff", "--dir", dir, "--summary"]);
  t.is(summary.code, 0, summary.stderr);
  t.regex(summary.stdout, /\*\*prod\*\*: destination server changes from https:\/\/kubernetes\.default\.svc to https:\/\/other\.example\.com/);
  t.regex(summary.stdout, /server https:\/\/kubernetes\.default\.svc → https:\/\/other\.example\.com/);
});

test("an environment removed in an earlier commit and added again is compared with its last committed state", async (t) => {
  const dir = await repo(t, config("{brokers: 3, storage: {size: 100Gi}}"));
  await ok(t, scaffold(dir));
  await writeFile(join(dir, "kafka-gitops.yaml"), "repo:\n  url: https://github.com/acme/kafka-gitops.git\nenvironments:\n  dev: {}\n");
  await ok(t, scaffold(dir, "--allow-remove", "prod"));
  await writeFile(join(dir, "kafka-gitops.yaml"), config("{brokers: 3, storage: {size: 50Gi}, clusterId: AAAAAAAAAAAAAAAAAAAAAA}"));
  const run = await scaffold(dir);
  t.is(run.code, 1, run.stdout);
  t.regex(
    run.stderr,
    /environments\.prod\.clusterId: refused: CLUSTER_ID changes from \S+ to AAAAAAAAAAAAAAAAAAAAAA: .*\(compared with the last committed state of prod, at [0-9a-f]+ \(removed in [0-9a-f]+; its volumes are retained\)\)/,
  );
  t.regex(run.stderr, /environments\.prod\.storage\.size: refused: storage per broker decreases from 100Gi to 50Gi/);
  // Added back as it was: its volumes fit, nothing to refuse.
  await writeFile(join(dir, "kafka-gitops.yaml"), config("{brokers: 3, storage: {size: 100Gi}}"));
  await ok(t, scaffold(dir));
});
