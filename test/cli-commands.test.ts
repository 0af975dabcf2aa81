// The small commands (--version, validate) and the output a person reads:
// a short summary by default, every file and diff with --verbose, warnings on
// stderr, colour only on a terminal.
import test from "ava";
import { execFileSync } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { commitCount } from "./support/git-repo.js";
import { CLI, REPO_ROOT } from "./support/paths.js";
import { cli } from "./support/run-cli.js";
import { config } from "./support/configs.js";
import { ownedRepo, tempDir } from "./support/temp.js";

const CONFIG = config({ dev: "{brokers: 1}", prod: "{brokers: 3}" });
const WARNED = config({ dev: "{brokers: 1}", prod: "{brokers: 3, heap: 8g, resources: {requests: {memory: 9Gi}}}" });

test("--version prints the package.json version", async (t) => {
  const { version } = JSON.parse(await readFile(join(REPO_ROOT, "package.json"), "utf8")) as { version: string };
  const dir = await tempDir(t);
  const run = await cli(dir, ["--version"]);
  t.is(run.code, 0, run.stderr);
  t.is(run.stdout, `kafka-gitops ${version}\n`);
  t.true((await cli(dir, ["--help"])).stdout.includes("--version"));
});

test("validate: ok for a good config, writing nothing", async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, "kafka-gitops.yaml"), CONFIG);
  const run = await cli(dir, ["validate", "--dir", dir]);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, /^ok: .*kafka-gitops\.yaml \(2 environments\)\n$/);
  t.deepEqual(await readdir(dir), ["kafka-gitops.yaml"], "nothing written");
});

test("validate: every problem, with its config path, on stderr, exit 1", async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, "other.yaml"), CONFIG.replace("prod: {brokers: 3}", "prod: {brokers: 3, controllers: 2, colour: blue}"));
  const run = await cli(dir, ["validate", "--dir", dir, "--config", "other.yaml"]);
  t.is(run.code, 1);
  t.is(run.stdout, "");
  t.regex(run.stderr, /other\.yaml: 2 problems/);
  t.regex(run.stderr, /^ {2}environments\.prod\.controllers: must be 1, 3 or 5/m);
  t.regex(run.stderr, /^ {2}environments\.prod\.colour: unknown key/m);
  t.deepEqual(await readdir(dir), ["other.yaml"], "nothing written");
  const missing = await cli(dir, ["validate", "--dir", join(dir, "nowhere")]);
  t.is(missing.code, 1);
  t.regex(missing.stderr, /the config file not found/);
});

test("validate: warnings on stderr, still ok", async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, "kafka-gitops.yaml"), WARNED);
  const run = await cli(dir, ["validate", "--dir", dir]);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, /^ok: .*\(2 environments, 1 warning\)\n$/);
  t.regex(run.stderr, /^warning: environments\.prod\.heap: heap 8g is above 6g/m);
});

test("scaffold prints a short summary per environment; --verbose lists every file", async (t) => {
  const { dir } = await ownedRepo(t, CONFIG);
  const dry = await cli(dir, ["scaffold", "--dir", dir, "--dry-run"]);
  t.is(dry.code, 0, dry.stderr);
  t.regex(dry.stdout, /^ {2}dev: 6 added$/m);
  t.regex(dry.stdout, /^ {2}prod: 6 added$/m);
  t.regex(dry.stdout, /^ {2}clusters\/prod: 4 added$/m);
  t.regex(dry.stdout, /^would write: \d+ added, 0 updated, 0 removed, 0 unchanged \(--verbose lists every file, with diffs\)$/m);
  t.notRegex(dry.stdout, /would add /, "no file list by default");
  t.notRegex(dry.stdout, /^\+/m, "no diffs by default");
  t.true(dry.stdout.split("\n").length < 15, `short: ${dry.stdout.split("\n").length} lines`);

  const verbose = await cli(dir, ["scaffold", "--dir", dir, "--dry-run", "--verbose"]);
  t.regex(verbose.stdout, /^ {2}would add overlays\/prod\/kafka\.env$/m);
  t.regex(verbose.stdout, /^\+KAFKA_MIN_INSYNC_REPLICAS=2$/m);
  t.is(await commitCount(dir), 0);

  const run = await cli(dir, ["scaffold", "--dir", dir, "--verbose"]);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, /^ {2}add overlays\/dev\/kustomization\.yaml$/m);
  t.regex(run.stdout, /^committed [0-9a-f]{7} on main$/m);
});

test("warnings go to stderr, counted in the summary on stdout", async (t) => {
  const { dir } = await ownedRepo(t, WARNED);
  const run = await cli(dir, ["scaffold", "--dir", dir]);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stderr, /^warning: environments\.prod\.heap: heap 8g is above 6g/m);
  t.notRegex(run.stdout, /warning:/);
  t.regex(run.stdout, /^ {2}prod: 6 added, 1 warning \(above\)$/m);
  t.notRegex(run.stdout + run.stderr, /\x1b\[/, "no colour into a pipe");
});

// `script` runs the CLI on a pseudo-terminal, as a person's shell would.
const hasScript = (() => {
  try {
    execFileSync("script", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

(hasScript ? test : test.skip)("colour on a terminal, none with NO_COLOR", async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, "kafka-gitops.yaml"), WARNED);
  const onTty = (env: Record<string, string>) =>
    execFileSync("script", ["-qec", `${process.execPath} ${CLI} validate --dir ${dir}`, "/dev/null"], {
      env: { PATH: process.env["PATH"], TERM: "xterm", ...env },
    }).toString();
  t.regex(onTty({}), /\x1b\[33mwarning:\x1b\[0m environments\.prod\.heap/);
  const plain = onTty({ NO_COLOR: "1" });
  t.regex(plain, /warning: environments\.prod\.heap/);
  t.notRegex(plain, /\x1b\[/);
});
