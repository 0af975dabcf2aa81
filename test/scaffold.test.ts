// The scaffold command end to end, in real temporary git repositories: what it
// writes, commits, refuses and leaves alone.
import test from "ava";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cli, type Run } from "./support/run-cli.js";
import { commitCount, git, tempRepo } from "./support/git-repo.js";
import { tempDir } from "./support/temp.js";

const CONFIG = `repo:\n  url: https://github.com/acme/kafka-gitops.git\nenvironments:\n  dev: {brokers: 1}\n  prod: {brokers: 3}\n`;

async function scaffold(dir: string, ...args: string[]): Promise<Run> {
  return cli(dir, ["scaffold", "--dir", dir, ...args]);
}

const exists = async (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

test("first run writes and commits the tree; a second run commits nothing", async (t) => {
  const dir = await tempRepo(CONFIG);
  const first = await scaffold(dir);
  t.is(first.code, 0, first.stderr);
  t.regex(first.stdout, /committed [0-9a-f]{7}/);
  t.is(await commitCount(dir), 1);
  const message = await git(dir, "log", "-1", "--format=%B");
  t.regex(message, /^kafka: add dev, prod\n/);
  t.regex(message, /prod: 3 brokers \(3 voters\), statefulset, apache\/kafka:4\.3\.1/);
  const files = (await git(dir, "show", "--name-only", "--format=", "HEAD")).trim().split("\n");
  t.true(files.includes("kafka-gitops.yaml"), "the config is committed with the tree");
  t.true(files.includes("overlays/prod/kafka.env"));
  t.is(await git(dir, "status", "--porcelain"), "", "nothing left uncommitted");

  const second = await scaffold(dir);
  t.is(second.code, 0);
  t.regex(second.stdout, /up to date/);
  t.is(await commitCount(dir), 1, "no empty commit");
});

test("a config change commits only what changed, with a message naming the environment", async (t) => {
  const dir = await tempRepo(CONFIG);
  t.is((await scaffold(dir)).code, 0);
  await writeFile(join(dir, "kafka-gitops.yaml"), CONFIG.replace("prod: {brokers: 3}", "prod: {brokers: 4}"));
  const run = await scaffold(dir);
  t.is(run.code, 0, run.stderr);
  t.is(await commitCount(dir), 2);
  t.is((await git(dir, "log", "-1", "--format=%s")).trim(), "kafka: scale prod 3->4");
  const changed = (await git(dir, "show", "--name-only", "--format=", "HEAD")).trim().split("\n").sort();
  t.deepEqual(
    changed,
    ["kafka-gitops.yaml", "overlays/prod/README.md", "overlays/prod/kafka.env", "overlays/prod/kustomization.yaml"].filter((f) => changed.includes(f)),
  );
  t.true(changed.includes("overlays/prod/kustomization.yaml"));
  t.false(
    changed.some((f) => f.startsWith("overlays/dev/") || f.startsWith("base/")),
    "dev and base untouched",
  );
});

test("removing an environment needs --allow-remove, then removes exactly its generated files and folder", async (t) => {
  const dir = await tempRepo(CONFIG);
  t.is((await scaffold(dir)).code, 0);
  await writeFile(join(dir, "overlays", "HAND-WRITTEN.md"), "notes kept by a person\n");
  await writeFile(join(dir, "kafka-gitops.yaml"), CONFIG.replace("  prod: {brokers: 3}\n", ""));
  const refused = await scaffold(dir);
  t.is(refused.code, 1);
  t.regex(refused.stderr, /^ {2}environments\.prod: refused: environment removed: .*pass --allow-remove prod\.$/m);
  t.true(await exists(join(dir, "overlays", "prod", "kafka.env")), "nothing removed while refused");
  t.is(await commitCount(dir), 1);
  const wrongFlag = await scaffold(dir, "--allow-remove", "dev");
  t.is(wrongFlag.code, 1, "allowing another environment does not allow this one");
  const run = await scaffold(dir, "--allow-remove", "prod");
  t.is(run.code, 0, run.stderr);
  t.false(await exists(join(dir, "overlays", "prod")));
  t.true(await exists(join(dir, "overlays", "dev", "kustomization.yaml")));
  t.is(await readFile(join(dir, "overlays", "HAND-WRITTEN.md"), "utf8"), "notes kept by a person\n");
  t.regex(await git(dir, "status", "--porcelain"), /^\?\? overlays\/HAND-WRITTEN\.md\n$/, "the hand-written file is neither deleted nor committed");
});

test("a hand-edited generated file blocks the scaffold until --force", async (t) => {
  const dir = await tempRepo(CONFIG);
  t.is((await scaffold(dir)).code, 0);
  const file = join(dir, "overlays", "prod", "kafka.env");
  await writeFile(file, (await readFile(file, "utf8")) + "KAFKA_NUM_PARTITIONS=9\n");
  await writeFile(join(dir, "kafka-gitops.yaml"), CONFIG.replace("prod: {brokers: 3}", "prod: {brokers: 4}"));

  const refused = await scaffold(dir);
  t.is(refused.code, 1);
  t.regex(refused.stderr, /uncommitted changes in generated files would be overwritten:\n  overlays\/prod\/kafka\.env\n/);
  t.regex(refused.stderr, /--force/);
  t.regex(await readFile(file, "utf8"), /KAFKA_NUM_PARTITIONS=9/, "the edit is still there");
  t.is(await commitCount(dir), 1);

  const forced = await scaffold(dir, "--force");
  t.is(forced.code, 0, forced.stderr);
  t.notRegex(await readFile(file, "utf8"), /KAFKA_NUM_PARTITIONS=9/);
  t.is(await commitCount(dir), 2);
});

test("a hand-written file at a generated path is never overwritten silently", async (t) => {
  const dir = await tempRepo(CONFIG);
  await mkdir(join(dir, "overlays", "dev"), { recursive: true });
  await writeFile(join(dir, "overlays", "dev", "kustomization.yaml"), "resources: [mine.yaml]\n");
  const run = await scaffold(dir);
  t.is(run.code, 1);
  t.regex(run.stderr, /not written by kafka-gitops[\s\S]*overlays\/dev\/kustomization\.yaml[\s\S]*--force/);
  t.is(await readFile(join(dir, "overlays", "dev", "kustomization.yaml"), "utf8"), "resources: [mine.yaml]\n");
  t.false(await exists(join(dir, "base")), "nothing written");
});

test("an invalid config writes nothing and commits nothing", async (t) => {
  const dir = await tempRepo(CONFIG.replace("prod: {brokers: 3}", "prod: {brokers: 3, controllers: 2, colour: blue}"));
  const run = await scaffold(dir);
  t.is(run.code, 1);
  t.regex(run.stderr, /environments\.prod\.controllers: must be 1, 3 or 5/);
  t.regex(run.stderr, /environments\.prod\.colour: unknown key/);
  t.false(await exists(join(dir, "base")));
  t.false(await exists(join(dir, "overlays")));
  t.is(await commitCount(dir), 0);
});

test("--check exits 1 on a stale or hand-edited tree and 0 on a clean one, writing nothing", async (t) => {
  const dir = await tempRepo(CONFIG);
  const missing = await scaffold(dir, "--check");
  t.is(missing.code, 1);
  t.regex(missing.stdout, /overlays\/dev\/kustomization\.yaml: missing/);
  t.false(await exists(join(dir, "base")));

  t.is((await scaffold(dir)).code, 0);
  t.is((await scaffold(dir, "--check")).code, 0);

  const file = join(dir, "base", "common", "kafka.env");
  await writeFile(file, (await readFile(file, "utf8")).replace("KAFKA_AUTO_CREATE_TOPICS_ENABLE=false", "KAFKA_AUTO_CREATE_TOPICS_ENABLE=true"));
  const drift = await scaffold(dir, "--check");
  t.is(drift.code, 1);
  t.regex(drift.stdout, /base\/common\/kafka\.env: differs/);
  t.regex(drift.stdout, /^-KAFKA_AUTO_CREATE_TOPICS_ENABLE=true$/m);
  t.regex(drift.stdout, /^\+KAFKA_AUTO_CREATE_TOPICS_ENABLE=false$/m);
  t.regex(await readFile(file, "utf8"), /ENABLE=true/, "--check did not repair it");
});

test("--dry-run --verbose prints every change with its diff and writes nothing", async (t) => {
  const dir = await tempRepo(CONFIG);
  const run = await scaffold(dir, "--dry-run", "--verbose");
  t.is(run.code, 0);
  t.regex(run.stdout, /would add overlays\/prod\/kafka\.env/);
  t.regex(run.stdout, /^\+KAFKA_MIN_INSYNC_REPLICAS=2$/m);
  t.false(await exists(join(dir, "overlays")));
  t.is(await commitCount(dir), 0);
});

test("--no-commit writes without committing; outside a git repository it is the only way", async (t) => {
  const plain = await tempDir("plain");
  await writeFile(join(plain, "kafka-gitops.yaml"), CONFIG);
  const refused = await scaffold(plain);
  t.is(refused.code, 1);
  t.regex(refused.stderr, /is not a git repository: run `git init --initial-branch=main` there, or pass --no-commit/);
  t.false(await exists(join(plain, "base")), "nothing written before the git check");

  const written = await scaffold(plain, "--no-commit");
  t.is(written.code, 0, written.stderr);
  t.true(await exists(join(plain, "overlays", "prod", "kustomization.yaml")));
});

test("no git identity: a clear error before anything is written", async (t) => {
  const dir = await tempRepo(CONFIG, { identity: false });
  const run = await scaffold(dir);
  t.is(run.code, 1);
  t.regex(run.stderr, /git has no identity to commit with; set it[\s\S]*git config user\.name "Your Name"[\s\S]*--no-commit/);
  t.false(await exists(join(dir, "base")));
});

test("--config points at another file; a missing one is a clear error", async (t) => {
  const dir = await tempRepo();
  await writeFile(join(dir, "clusters.yaml"), CONFIG);
  const run = await scaffold(dir, "--config", "clusters.yaml", "--no-commit");
  t.is(run.code, 0, run.stderr);
  t.true(await exists(join(dir, "overlays", "dev")));
  await rm(join(dir, "clusters.yaml"));
  const missing = await scaffold(dir, "--config", "clusters.yaml");
  t.is(missing.code, 1);
  t.regex(missing.stderr, /clusters\.yaml: 1 problem[\s\S]*the config file not found; create it \(see README\.md\) or pass --config FILE/);
});

test("bad usage exits 2 with a hint; --help exits 0", async (t) => {
  const dir = await tempRepo(CONFIG);
  const bad = await scaffold(dir, "--colour");
  t.is(bad.code, 2);
  t.regex(bad.stderr, /Unknown option '--colour'[\s\S]*--help/);
  const both = await scaffold(dir, "--check", "--dry-run");
  t.is(both.code, 2);
  const help = await scaffold(dir, "--help");
  t.is(help.code, 0);
  for (const flag of ["--config", "--dir", "--no-commit", "--check", "--dry-run", "--force"]) t.true(help.stdout.includes(flag), flag);
});

test("warnings are printed but do not stop the scaffold", async (t) => {
  const dir = await tempRepo(CONFIG.replace("prod: {brokers: 3}", "prod: {brokers: 3, heap: 8g, resources: {requests: {memory: 9Gi}}}"));
  const run = await scaffold(dir);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stderr, /^warning: environments\.prod\.heap: heap 8g is above 6g/m);
  t.is(await commitCount(dir), 1);
});

test("guards: a storage shrink is refused with nothing written; a drained scale-down passes with --allow-scale-down", async (t) => {
  const dir = await tempRepo(CONFIG.replace("prod: {brokers: 3}", "prod: {brokers: 4, storage: {size: 100Gi}}"));
  t.is((await scaffold(dir)).code, 0);
  const before = await readFile(join(dir, "overlays", "prod", "statefulsets.yaml"), "utf8");

  await writeFile(join(dir, "kafka-gitops.yaml"), CONFIG.replace("prod: {brokers: 3}", "prod: {brokers: 4, storage: {size: 50Gi}}"));
  const shrink = await scaffold(dir, "--allow-scale-down", "--allow-remove", "prod", "--force");
  t.is(shrink.code, 1, "no flag unlocks a shrink");
  t.regex(
    shrink.stderr,
    /environments\.prod\.storage\.size: refused: storage per broker decreases from 100Gi to 50Gi: a PersistentVolumeClaim can never shrink[\s\S]*Safe way: Keep storage\.size at 100Gi/,
  );
  t.is(await readFile(join(dir, "overlays", "prod", "statefulsets.yaml"), "utf8"), before, "nothing written");

  await writeFile(join(dir, "kafka-gitops.yaml"), CONFIG.replace("prod: {brokers: 3}", "prod: {brokers: 3, storage: {size: 100Gi}}"));
  const down = await scaffold(dir);
  t.is(down.code, 1);
  t.regex(down.stderr, /environments\.prod\.brokers: refused: brokers decrease from 4 to 3/);
  t.is(await commitCount(dir), 1);
  const allowed = await scaffold(dir, "--allow-scale-down");
  t.is(allowed.code, 0, allowed.stderr);
  t.regex(allowed.stderr, /warning: prod: brokers decrease from 4 to 3/, "still explained when allowed");
  t.is(await commitCount(dir), 2);
});
