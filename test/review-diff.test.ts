// `kafka-gitops diff` end to end: real temporary git repositories, the real
// kubectl, the CLI spawned as a user (or CI) would run it.
import test from "ava";
import { symlink, writeFile } from "node:fs/promises";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { git, tempRepo } from "./support/git-repo.js";
import { REPO_ROOT } from "./support/paths.js";
import { writeTree } from "./support/kustomize.js";
import { config } from "./support/configs.js";
import { renderText } from "./support/render.js";
import { cli, diff, scaffoldWith } from "./support/run-cli.js";
import { tempDir } from "./support/temp.js";

const BASE = { dev: "{brokers: 1}", prod: "{brokers: 3, storage: {size: 100Gi}}" };

/** A repository whose HEAD is the scaffold of `before`, with `after` scaffolded into the working tree (not committed). */
async function repoWithChange(before: string, after?: string, ...flags: string[]) {
  const dir = await tempRepo();
  await scaffoldWith(dir, before);
  const scaffold = after === undefined ? undefined : await scaffoldWith(dir, after, "--no-commit", ...flags);
  return { dir, scaffold };
}

/**
 * A change the scaffold refuses (it would break the running cluster) can still
 * reach a pull request by hand; the diff must flag it. The rendered tree is
 * written straight into the working tree, as such a hand-made change would be.
 */
async function repoWithRefusedChange(before: string, after: string) {
  const dir = await tempRepo();
  await scaffoldWith(dir, before);
  await writeFile(join(dir, "kafka-gitops.yaml"), after);
  const refused = await cli(dir, ["scaffold", "--dir", dir, "--no-commit"]);
  await writeTree(renderText(after).tree, dir);
  return { dir, refused };
}

test("no change: an empty diff that says so, in both formats and in the summary", async (t) => {
  const { dir } = await repoWithChange(config(BASE));
  const text = await diff(dir);
  t.is(text.code, 0, text.stderr);
  t.regex(
    text.stdout,
    /^kafka-gitops diff: HEAD \([0-9a-f]{7,}\) -> working tree\nno changes: 4 sections render the same objects \(dev, prod, clusters\/dev, clusters\/prod\)\n$/,
  );
  const md = await diff(dir, "--format", "markdown");
  t.regex(md.stdout, /No changes: 4 sections render the same objects/);
  t.notRegex(md.stdout, /<details/);
  const summary = await diff(dir, "--summary");
  t.regex(summary.stdout, /^### Kafka: no change to any environment\n/);
  t.is(await git(dir, "status", "--porcelain"), "", "diff writes nothing");
});

test("scaling one environment: only its objects appear, with the changed fields", async (t) => {
  const { dir } = await repoWithChange(config(BASE), config({ ...BASE, prod: "{brokers: 4, controllers: 3, storage: {size: 100Gi}}" }));
  const run = await diff(dir);
  t.is(run.code, 0, run.stderr);
  t.notRegex(run.stdout, /WARNINGS/);
  t.regex(run.stdout, /^changed \(1\): prod$/m);
  t.regex(run.stdout, /^unchanged \(3\): dev, clusters\/dev, clusters\/prod$/m);
  t.regex(run.stdout, /^=== environment prod: 0 added, 0 removed, 1 changed ===$/m);
  t.regex(run.stdout, /^~ StatefulSet\/kafka-broker: spec\.replicas$/m);
  t.regex(run.stdout, /^-  replicas: 0\n\+  replicas: 1$/m);
  t.notRegex(run.stdout, /=== environment dev/);
  t.notRegex(run.stdout, /kafka-dev/, "nothing of dev is shown");

  const md = await diff(dir, "--format", "markdown");
  t.is((md.stdout.match(/<details>/g) ?? []).length, 1);
  t.regex(md.stdout, /<summary><b>prod<\/b>: 0 added, 0 removed, 1 changed<\/summary>/);
  t.regex(md.stdout, /- changed `StatefulSet\/kafka-broker`: `spec\.replicas`\n/);
  t.regex(md.stdout, /```diff\n--- a\/StatefulSet\/kafka-broker\n\+\+\+ b\/StatefulSet\/kafka-broker\n[\s\S]*?```\n/);
});

test("a configuration change reads as a changed ConfigMap and a restart, not a remove and an add", async (t) => {
  const { dir } = await repoWithChange(config(BASE), config({ ...BASE, prod: "{brokers: 3, storage: {size: 100Gi}, config: {log.retention.ms: 3600000}}" }));
  const run = await diff(dir);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, /^~ ConfigMap\/kafka-config: data\.KAFKA_LOG_RETENTION_MS$/m);
  t.regex(run.stdout, /^~ StatefulSet\/kafka \(pods restart\): spec\.template\.spec\.containers\[kafka\]\.envFrom\[0\]\.configMapRef\.name$/m);
  t.regex(run.stdout, /^--- a\/ConfigMap\/kafka-config-[a-z0-9]{10}\n\+\+\+ b\/ConfigMap\/kafka-config-[a-z0-9]{10}\n/m);
  t.regex(run.stdout, /^\+  KAFKA_LOG_RETENTION_MS: "3600000"$/m);
  t.notRegex(run.stdout, /^[+-] ConfigMap/m);
});

const RISKS: Array<[string, Record<string, string>, RegExp, RegExp, string[]]> = [
  [
    "removing an environment",
    { dev: BASE.dev },
    /^! prod: environment removed: Argo CD deletes Application kafka-prod but nothing it deployed/m,
    /=== environment prod: removed, \d+ objects, 1 warning ===\n- ConfigMap\/kafka-config\n/,
    ["--allow-remove", "prod"],
  ],
  [
    "shrinking storage",
    { ...BASE, prod: "{brokers: 3, storage: {size: 50Gi}}" },
    /^! prod: storage per broker decreases from 100Gi to 50Gi/m,
    /^-            storage: 100Gi\n\+            storage: 50Gi$/m,
    [],
  ],
  [
    "changing the controller count",
    { ...BASE, prod: "{brokers: 3, controllers: 1, storage: {size: 100Gi}}" },
    /^! prod: KRaft voters change from 3 \(nodes 0, 1, 2\) to 1 \(node 0\)/m,
    /^~ ConfigMap\/kafka-config: data\.KAFKA_CONTROLLER_QUORUM_VOTERS$/m,
    [],
  ],
  [
    "switching the workload",
    { ...BASE, prod: "{brokers: 3, storage: {size: 100Gi}, workload: deployment-per-broker}" },
    /^! prod: workload switches from statefulset to deployment-per-broker/m,
    /^\+ Deployment\/kafka-0\n[\s\S]*^\+ PersistentVolumeClaim\/data-kafka-0\n[\s\S]*^- StatefulSet\/kafka\n/m,
    ["--allow-nothing"],
  ],
];

for (const [label, envs, warning, objects, flags] of RISKS) {
  const refusedByScaffold = flags.length === 0;
  test(`risk: ${label} ${refusedByScaffold ? "is refused by the scaffold" : "warns in the scaffold"} and comes first in the diff`, async (t) => {
    let dir: string;
    if (refusedByScaffold) {
      const change = await repoWithRefusedChange(config(BASE), config(envs));
      dir = change.dir;
      t.is(change.refused.code, 1);
      t.regex(change.refused.stderr, /would break a running Kafka cluster; nothing was written:\n {2}environments\.prod\.\S+: refused: /);
    } else {
      const change = await repoWithChange(config(BASE), config(envs), ...flags.filter((f) => f !== "--allow-nothing"));
      dir = change.dir;
      // The scaffold warns before writing, and still writes.
      t.regex(change.scaffold!.stderr, /risky change[\s\S]*warning: prod: /);
      t.notRegex(change.scaffold!.stdout, /warning:/, "warnings go to stderr, the summary to stdout");
    }
    const run = await diff(dir);
    t.is(run.code, 0, run.stderr);
    t.regex(run.stdout, warning);
    t.regex(run.stdout, /^ {2}what to do: \S/m);
    t.true(run.stdout.indexOf("WARNINGS") < run.stdout.indexOf("changed ("), "warnings come first");
    t.regex(run.stdout, objects);
    const md = await diff(dir, "--format", "markdown");
    t.regex(md.stdout, /^### ⚠️ \d+ warnings?\n\n- \*\*prod\*\*: /m);
    t.regex(md.stdout, /<details open>\n<summary><b>prod<\/b>/);
  });
}

test("an Argo CD sync policy change shows in its clusters/ folder, with its warning", async (t) => {
  const { dir } = await repoWithChange(config(BASE), config({ ...BASE, prod: "{brokers: 3, storage: {size: 100Gi}, sync: {selfHeal: false}}" }));
  const run = await diff(dir);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, /^! prod: Argo CD sync policy loosened: selfHeal off/m);
  t.regex(run.stdout, /^=== Argo CD clusters\/prod: 0 added, 0 removed, 1 changed ===\n~ Application\/kafka-prod: spec\.syncPolicy\.automated\.selfHeal$/m);
  t.regex(run.stdout, /^unchanged \(3\): dev, prod, clusters\/dev$/m);
});

test("--summary: a short Markdown description for the pull request", async (t) => {
  const { dir } = await repoWithRefusedChange(
    config(BASE),
    config({ dev: "{brokers: 1, heap: 600m}", prod: "{brokers: 4, controllers: 3, storage: {size: 50Gi}}", qa: "{brokers: 1}" }),
  );
  const run = await diff(dir, "--summary");
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, /^### Kafka: 3 environments change\n/);
  t.regex(run.stdout, /\*\*⚠️ 1 warning: read before merging\*\*\n\n- \*\*prod\*\*: storage per broker decreases from 100Gi to 50Gi/);
  t.regex(run.stdout, /^\| `dev` \| heap 1g → 600m \|$/m);
  t.regex(run.stdout, /^\| `prod` \| brokers 3 → 4; storage 100Gi → 50Gi \|$/m);
  t.regex(run.stdout, /^\| `qa` \| new: 1 broker, 1 voter, statefulset, apache\/kafka:4\.3\.1, 5Gi per broker, namespace kafka-qa \|$/m);
});

test("--max-bytes is respected on a large change, saying what was cut and keeping every warning", async (t) => {
  const envs = (retention: (i: number) => string, shrink: boolean) =>
    Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => {
        const name = `env${String(i + 1).padStart(2, "0")}`;
        const storage = name === "env07" && shrink ? "2Gi" : "5Gi";
        return [name, `{brokers: 3, storage: {size: ${storage}}, resources: {requests: {memory: 2Gi}}, config: {log.retention.ms: ${retention(i)}}}`];
      }),
    );
  const { dir } = await repoWithRefusedChange(
    config(envs(() => "1000", false)),
    config(
      envs((i) => String(2000 + i), true),
      "{image: 'apache/kafka:4.4.0'}",
    ),
  );

  const full = await diff(dir, "--max-bytes", "100000000");
  t.log(`diff of 50 changed environments: ${Buffer.byteLength(full.stdout)} bytes uncut`);
  t.is(full.code, 0, full.stderr);
  t.regex(full.stdout, /^changed \(50\): env01, env02,/m);
  t.true(Buffer.byteLength(full.stdout) > 60000, "large enough to need cutting");

  for (const [format, maxBytes] of [
    ["markdown", 60000],
    ["text", 60000],
    ["markdown", 8000],
  ] as const) {
    const run = await diff(dir, "--format", format, "--max-bytes", String(maxBytes));
    t.is(run.code, 0, run.stderr);
    const size = Buffer.byteLength(run.stdout);
    t.log(`${format} --max-bytes ${maxBytes}: ${size} bytes`);
    t.true(size <= maxBytes, `${size} <= ${maxBytes}`);
    t.regex(run.stdout, /Left out to stay within the size limit: the diffs of \d+ objects in \d+ sections/);
    t.regex(run.stdout, /env07\*{0,2}: storage per broker decreases from 5Gi to 2Gi/, "the warning survives the cut");
    t.regex(run.stdout, /env50/, "every changed environment is still named");
  }
});

test("render errors are reported and fail the command; other environments are still compared", async (t) => {
  const { dir } = await repoWithChange(config(BASE), config({ ...BASE, prod: "{brokers: 4, controllers: 3, storage: {size: 100Gi}}" }));
  await writeFile(join(dir, "overlays", "dev", "kustomization.yaml"), "resources: [missing.yaml]\n");
  const run = await diff(dir);
  t.is(run.code, 1);
  t.regex(run.stdout, /RENDER ERRORS \(1\):\nx dev: in the working tree: kubectl kustomize failed: /);
  t.regex(run.stdout, /^~ StatefulSet\/kafka-broker: spec\.replicas$/m);
});

test("--base compares with any revision", async (t) => {
  const dir = await tempRepo();
  await scaffoldWith(dir, config(BASE));
  await scaffoldWith(dir, config({ ...BASE, prod: "{brokers: 4, controllers: 3, storage: {size: 100Gi}}" }));
  t.regex((await diff(dir)).stdout, /no changes/, "HEAD is the working tree");
  const run = await diff(dir, "--base", "HEAD~1");
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, /^kafka-gitops diff: HEAD~1 \([0-9a-f]+\) -> working tree$/m);
  t.regex(run.stdout, /^~ StatefulSet\/kafka-broker: spec\.replicas$/m);
  const unknown = await diff(dir, "--base", "nope");
  t.is(unknown.code, 1);
  t.regex(unknown.stderr, /^error: unknown revision "nope": pass a branch, tag or commit with --base/);
});

test("a repository without commits compares with an empty tree", async (t) => {
  const dir = await tempRepo();
  await scaffoldWith(dir, config({ dev: "{}" }), "--no-commit");
  const run = await diff(dir);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, /^kafka-gitops diff: HEAD \(no commits yet\) -> working tree$/m);
  t.regex(run.stdout, /^=== environment dev: new, \d+ objects ===\n/m);
});

test("a missing kubectl is a clear error; --summary does not need it", async (t) => {
  const { dir } = await repoWithChange(config(BASE));
  const bin = await tempDir("bin");
  await symlink(execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim(), join(bin, "git"));
  const run = await cli(dir, ["diff", "--dir", dir], { PATH: bin });
  t.is(run.code, 1);
  t.regex(run.stderr, /^error: kubectl not found on PATH: `diff` renders every environment with `kubectl kustomize`/);
  const summary = await cli(dir, ["diff", "--dir", dir, "--summary"], { PATH: bin });
  t.is(summary.code, 0, summary.stderr);
});

test("bad usage exits 2; --help lists every option", async (t) => {
  const dir = await tempRepo();
  for (const args of [["--format", "html"], ["--max-bytes", "10"], ["--max-bytes", "lots"], ["--colour"], ["--base", ""]]) {
    const run = await diff(dir, ...args);
    t.is(run.code, 2, args.join(" "));
    t.regex(run.stderr, /^error: /);
  }
  const help = await diff(dir, "--help");
  t.is(help.code, 0);
  for (const flag of ["--dir", "--base", "--format", "--max-bytes", "--summary"]) t.true(help.stdout.includes(flag), flag);
  const top = await cli(dir, ["--help"]);
  t.regex(top.stdout, /kafka-gitops diff \[options\]/);
  const notRepo = await tempDir("plain");
  const outside = await diff(notRepo);
  t.is(outside.code, 1);
  t.regex(outside.stderr, /is not inside a git repository/);
});

test("the diff of this repository's own tree against HEAD runs and is deterministic", async (t) => {
  const a = await diff(REPO_ROOT, "--format", "markdown");
  const b = await diff(REPO_ROOT, "--format", "markdown");
  t.is(a.code, 0, a.stderr);
  t.is(a.stdout, b.stdout);
  t.true(Buffer.byteLength(a.stdout) <= 60000);
});
