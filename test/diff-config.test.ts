// `diff` right after editing the config: the generated files are behind, so the
// new side is the tree the config renders, in memory, and the output says so.
import test from "ava";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { config } from "./support/configs.js";
import { git } from "./support/git-repo.js";
import { diff, scaffoldWith } from "./support/run-cli.js";
import { ownedRepo } from "./support/temp.js";

const BEFORE = config({ dev: "{brokers: 1}", prod: "{brokers: 3}" });

test("diff after a config edit renders the config's tree in memory and says so, writing nothing", async (t) => {
  const { dir } = await ownedRepo(t);
  await scaffoldWith(dir, BEFORE);
  const kustomization = await readFile(join(dir, "overlays/prod/kustomization.yaml"), "utf8");
  await writeFile(join(dir, "kafka-gitops.yaml"), config({ dev: "{brokers: 1}", prod: "{brokers: 4}" }));

  const run = await diff(dir);
  t.is(run.code, 0, run.stderr);
  t.regex(
    run.stderr,
    /^note: kafka-gitops\.yaml is ahead of the generated files \(\d+ files differ\): comparing with the tree it renders, in memory; nothing was written\. Run `npx kafka-gitops scaffold` to write it\.$/m,
  );
  t.regex(run.stdout, /^changed \(1\): prod$/m);
  t.regex(run.stdout, /^~ StatefulSet\/kafka-broker: spec\.replicas$/m);
  t.is(await readFile(join(dir, "overlays/prod/kustomization.yaml"), "utf8"), kustomization, "nothing written");
  t.is(await git(dir, "status", "--porcelain"), " M kafka-gitops.yaml\n");

  const summary = await diff(dir, "--summary");
  t.regex(summary.stdout, /^\| `prod` \| brokers 3 → 4 \|$/m, "the summary too");

  // Once scaffolded, the working tree is current: no note, the same change.
  await scaffoldWith(dir, config({ dev: "{brokers: 1}", prod: "{brokers: 4}" }), "--no-commit");
  const after = await diff(dir);
  t.is(after.stderr, "");
  t.regex(after.stdout, /^~ StatefulSet\/kafka-broker: spec\.replicas$/m);
});

test("with the config unchanged, a hand edit of a generated file is shown as it is", async (t) => {
  const { dir } = await ownedRepo(t);
  await scaffoldWith(dir, BEFORE);
  const file = join(dir, "overlays/prod/kustomization.yaml");
  await writeFile(file, (await readFile(file, "utf8")).replace(/count: 0/, "count: 2"));
  const run = await diff(dir);
  t.is(run.code, 0, run.stderr);
  t.is(run.stderr, "", "no note: the config is what HEAD has");
  t.regex(run.stdout, /^~ StatefulSet\/kafka-broker: spec\.replicas$/m);
});
