// overlays/<env>/local/ is the team's: never written, rewritten or removed by
// the generator, included by the overlay when it holds a kustomization, and
// rendered by kubectl like the rest. A file the generator did not write is
// never removed, whatever header it carries.
import test from "ava";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { config } from "./support/configs.js";
import { git } from "./support/git-repo.js";
import { kustomize } from "./support/kustomize.js";
import { cli, diff, type Run } from "./support/run-cli.js";
import { ownedRepo } from "./support/temp.js";

const CONFIG = config({ dev: "{brokers: 1}", prod: "{brokers: 3}" });
const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

async function scaffold(dir: string, ...args: string[]): Promise<Run> {
  return cli(dir, ["scaffold", "--dir", dir, ...args]);
}

const LOCAL = {
  // A target, not a name: the patch then fits every Kafka StatefulSet, and none after a switch to Deployments.
  "kustomization.yaml":
    "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n  - team-config.yaml\npatches:\n  - path: tolerations.yaml\n    target: { kind: StatefulSet, labelSelector: app.kubernetes.io/instance=kafka }\n",
  "team-config.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: team-config\ndata:\n  owner: platform-team\n",
  // A patch of a generated object: only a Component's patches reach those.
  "tolerations.yaml":
    "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: kafka\nspec:\n  template:\n    spec:\n      tolerations:\n        - key: dedicated\n          operator: Equal\n          value: kafka\n          effect: NoSchedule\n",
};

async function writeLocal(dir: string, env: string): Promise<void> {
  await mkdir(join(dir, "overlays", env, "local"), { recursive: true });
  for (const [name, text] of Object.entries(LOCAL)) await writeFile(join(dir, "overlays", env, "local", name), text);
}

async function localIntact(t: import("ava").ExecutionContext, dir: string, env: string, when: string): Promise<void> {
  for (const [name, text] of Object.entries(LOCAL)) t.is(await readFile(join(dir, "overlays", env, "local", name), "utf8"), text, `${when}: local/${name}`);
}

test("local/ survives scaffold, --force and an environment change, and renders with the overlay", async (t) => {
  const { dir } = await ownedRepo(t, CONFIG);
  t.is((await scaffold(dir)).code, 0);
  await writeLocal(dir, "dev");

  const check = await scaffold(dir, "--check");
  t.is(check.code, 1, "the overlay does not include local/ yet: --check says so");
  t.regex(check.stdout, /overlays\/dev\/kustomization\.yaml: differs/);

  const run = await scaffold(dir);
  t.is(run.code, 0, run.stderr);
  await localIntact(t, dir, "dev", "scaffold");
  t.deepEqual(parse(await readFile(join(dir, "overlays/dev/kustomization.yaml"), "utf8")).components.at(-1), "local");
  t.false(parse(await readFile(join(dir, "overlays/prod/kustomization.yaml"), "utf8")).components.includes("local"), "prod has no local/");
  t.is(await git(dir, "status", "--porcelain"), "?? overlays/dev/local/\n", "the team's files are neither committed nor touched");
  t.is((await scaffold(dir, "--check")).code, 0);

  const objects = await kustomize(join(dir, "overlays", "dev"));
  const cm = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "team-config");
  t.truthy(cm, "the local ConfigMap is rendered");
  t.is(cm.metadata.namespace, "kafka-dev", "with the overlay's namespace");
  t.is(cm.metadata.labels["kafka-gitops/environment"], "dev", "and its labels");
  const sts = objects.find((o) => o.kind === "StatefulSet" && o.metadata.name === "kafka");
  t.deepEqual(
    sts.spec.template.spec.tolerations,
    [{ key: "dedicated", operator: "Equal", value: "kafka", effect: "NoSchedule" }],
    "the local patch reaches the generated StatefulSet",
  );
  t.truthy(sts.spec.template.spec.containers[0].resources, "the generated settings stay");

  // The diff renders local/ like the rest: committed, then changed.
  await git(dir, "add", "overlays/dev/local");
  await git(dir, "commit", "--quiet", "-m", "team config");
  await writeFile(join(dir, "overlays/dev/local/team-config.yaml"), LOCAL["team-config.yaml"].replace("platform-team", "data-team"));
  const reviewed = await diff(dir);
  t.is(reviewed.code, 0, reviewed.stderr);
  t.regex(reviewed.stdout, /^~ ConfigMap\/team-config: data\.owner$/m);
  await writeFile(join(dir, "overlays/dev/local/team-config.yaml"), LOCAL["team-config.yaml"]);

  const forced = await scaffold(dir, "--force");
  t.is(forced.code, 0, forced.stderr);
  await localIntact(t, dir, "dev", "--force");

  // An environment change: more brokers, then another workload.
  await writeFile(join(dir, "kafka-gitops.yaml"), config({ dev: "{brokers: 2}", prod: "{brokers: 3}" }));
  t.is((await scaffold(dir)).code, 0);
  await writeFile(join(dir, "kafka-gitops.yaml"), config({ dev: "{brokers: 2, workload: deployment-per-broker}", prod: "{brokers: 3}" }));
  const switched = await scaffold(dir);
  t.is(switched.code, 0, switched.stderr);
  await localIntact(t, dir, "dev", "environment change");
  t.true((await kustomize(join(dir, "overlays", "dev"))).some((o) => o.kind === "ConfigMap" && o.metadata.name === "team-config"));

  // Removing the environment removes its generated files only.
  await writeFile(join(dir, "kafka-gitops.yaml"), config({ prod: "{brokers: 3}" }));
  const removed = await scaffold(dir, "--allow-remove", "dev");
  t.is(removed.code, 0, removed.stderr);
  await localIntact(t, dir, "dev", "environment removed");
  t.false(await exists(join(dir, "overlays/dev/kustomization.yaml")));
});

test("a local/ folder the overlay cannot include is a warning, never touched", async (t) => {
  const { dir } = await ownedRepo(t, CONFIG);
  await mkdir(join(dir, "overlays", "dev", "local"), { recursive: true });
  await writeFile(join(dir, "overlays/dev/local/notes.md"), "ours\n");
  const run = await scaffold(dir);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stderr, /^warning: overlays\/dev\/local\/ has no kustomization\.yaml/m);
  t.false(parse(await readFile(join(dir, "overlays/dev/kustomization.yaml"), "utf8")).components.includes("local"));
  await writeFile(join(dir, "overlays/dev/local/kustomization.yaml"), "resources: []\n");
  t.regex((await scaffold(dir)).stderr, /^warning: overlays\/dev\/local\/kustomization\.yaml is not a Kustomize Component/m);
  t.is(await readFile(join(dir, "overlays/dev/local/notes.md"), "utf8"), "ours\n");
});

test("a hand-written file with a copied header is never removed; at a generated path it is not overwritten", async (t) => {
  const { dir } = await ownedRepo(t, CONFIG);
  t.is((await scaffold(dir)).code, 0);
  const header = (await readFile(join(dir, "overlays/dev/namespace.yaml"), "utf8")).split("\n")[0]!;
  t.regex(header, /Generated by kafka-gitops/);
  const copy = `${header}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ours\n`;
  // Where the generator writes for a Deployment-per-broker environment, and beside the overlay files.
  await mkdir(join(dir, "overlays", "dev", "brokers"), { recursive: true });
  await writeFile(join(dir, "overlays/dev/brokers/kafka-7.yaml"), copy);
  await writeFile(join(dir, "overlays/dev/extra.yaml"), copy);
  await writeFile(join(dir, "kafka-gitops.yaml"), config({ dev: "{brokers: 2}", prod: "{brokers: 3}" }));
  const run = await scaffold(dir);
  t.is(run.code, 0, run.stderr);
  t.is(await readFile(join(dir, "overlays/dev/brokers/kafka-7.yaml"), "utf8"), copy, "not removed");
  t.is(await readFile(join(dir, "overlays/dev/extra.yaml"), "utf8"), copy, "not removed");
  t.notRegex(await git(dir, "show", "--name-only", "--format=", "HEAD"), /extra\.yaml|kafka-7/, "nor committed");

  // A new environment whose kustomization someone wrote already, header and all.
  await mkdir(join(dir, "overlays", "qa"), { recursive: true });
  await writeFile(join(dir, "overlays/qa/kustomization.yaml"), copy);
  await writeFile(join(dir, "kafka-gitops.yaml"), config({ dev: "{brokers: 2}", prod: "{brokers: 3}", qa: "{}" }));
  const refused = await scaffold(dir);
  t.is(refused.code, 1);
  t.regex(refused.stderr, /not written by kafka-gitops[\s\S]*overlays\/qa\/kustomization\.yaml[\s\S]*--force/);
  t.is(await readFile(join(dir, "overlays/qa/kustomization.yaml"), "utf8"), copy);
  t.is((await scaffold(dir, "--force")).code, 0, "--force replaces it");
  t.not(await readFile(join(dir, "overlays/qa/kustomization.yaml"), "utf8"), copy);
});

test("a tree from before the record is recognised by its headers once, then by the record", async (t) => {
  const { dir } = await ownedRepo(t, CONFIG);
  t.is((await scaffold(dir)).code, 0);
  const list = join(dir, "kafka-gitops.generated.txt");
  t.regex(await readFile(list, "utf8"), /^overlays\/dev\/kustomization\.yaml$/m);
  t.notRegex(await readFile(list, "utf8"), /^kafka-gitops\.generated\.txt$/m, "the record does not list itself");
  await rm(list);
  await git(dir, "commit", "--quiet", "-am", "an older tree without the record");
  await writeFile(join(dir, "kafka-gitops.yaml"), config({ dev: "{brokers: 1}" }));
  const run = await scaffold(dir, "--allow-remove", "prod");
  t.is(run.code, 0, run.stderr);
  t.false(await exists(join(dir, "overlays/prod")), "the old generated files are removed");
  t.true(await exists(list), "the record is back");
  t.notRegex(await readFile(list, "utf8"), /overlays\/prod/);
});
