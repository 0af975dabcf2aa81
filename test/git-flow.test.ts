// The delivery path end to end, with real git and kubectl: scaffold --push into a
// bare origin, then do what Argo CD's repo server does (a fresh clone of repo.url
// at repo.revision, `kubectl kustomize` of each Application's path) and check that
// every Application would deploy, into its namespace, with its project's permission.
import test from "ava";
import { execFile } from "node:child_process";
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { parseAllDocuments } from "yaml";
import { validateArgoObjects } from "./support/argocd-schema.js";
import { commitCount, git, tempRepo } from "./support/git-repo.js";
import { kustomize } from "./support/kustomize.js";
import { cli, type Run } from "./support/run-cli.js";
import { tempDir } from "./support/temp.js";

const exec = promisify(execFile);

type Obj = Record<string, any>;

async function scaffold(dir: string, ...args: string[]): Promise<Run> {
  return cli(dir, ["scaffold", "--dir", dir, ...args]);
}

/** Three environments on two clusters, both workloads, one manual sync; repo.url is the bare origin as file://. */
const config = (remote: string, prodBrokers = 3) => `repo:
  url: file://${remote}
  revision: main
argocd: { project: streaming }
environments:
  dev: { sync: { automated: false } }
  stage: { cluster: shared, workload: deployment-per-broker, brokers: 2 }
  prod: { cluster: shared, server: "https://prod.example.com:6443", namespace: kafka-production, brokers: ${prodBrokers} }
`;

async function repoWithRemote(prodBrokers = 3): Promise<{ dir: string; remote: string }> {
  const dir = await tempRepo();
  const remote = (await git(dir, "remote", "get-url", "origin")).trim();
  await writeFile(join(dir, "kafka-gitops.yaml"), config(remote, prodBrokers));
  return { dir, remote };
}

const refs = (remote: string) => git(remote, "for-each-ref", "--format=%(refname) %(objectname)");
const rev = async (dir: string, ref: string) => (await git(dir, "rev-parse", ref)).trim();
const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );
const groupOf = (apiVersion: string) => (apiVersion.includes("/") ? apiVersion.split("/")[0]! : "");
const gk = (group: string, kind: string) => `${group}/${kind}`;
/** Cluster-scoped kinds among what the overlays may render; everything else is namespaced. */
const CLUSTER_SCOPED = new Set(["/Namespace"]);

test("Argo CD's view of the pushed repository: every Application renders into its namespace, within its project", async (t) => {
  const { dir, remote } = await repoWithRemote();
  const run = await scaffold(dir, "--push");
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, /pushed main to origin/);

  // What the repo server does: clone repo.url at repo.revision.
  const clone = await tempDir("argocd");
  await exec("git", ["clone", "--quiet", "--branch", "main", `file://${remote}`, clone]);
  t.is(await rev(clone, "HEAD"), await rev(dir, "HEAD"), "the clone holds the scaffold's commit");

  const clusters = (await readdir(join(clone, "clusters"), { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  t.deepEqual(clusters, ["dev", "shared"]);
  const renderedKinds = new Set<string>();
  let project: Obj | undefined;

  for (const cluster of clusters) {
    const folder = join(clone, "clusters", cluster);
    // The same objects `kubectl apply -k clusters/<cluster>` applies and the root Application syncs.
    const objects = await kustomize(folder);
    t.deepEqual(validateArgoObjects(objects), [], `clusters/${cluster}: valid Argo CD objects`);
    const apps = objects.filter((o) => o.kind === "Application");
    const projects = new Map(objects.filter((o) => o.kind === "AppProject").map((p) => [p.metadata.name, p]));

    // Every Application written in the folder is referenced by its kustomization.
    const written: string[] = [];
    for (const file of (await readdir(folder)).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml"))
      for (const doc of parseAllDocuments(await readFile(join(folder, file), "utf8")))
        if (doc.get("kind") === "Application") written.push(String(doc.getIn(["metadata", "name"])));
    t.deepEqual(apps.map((a) => a.metadata.name).sort(), written.sort(), `clusters/${cluster}: the kustomization lists every Application`);

    const root = apps.filter((a) => a.spec.source.path === `clusters/${cluster}`);
    t.is(root.length, 1, `clusters/${cluster}: one root Application, syncing its own folder`);
    const envApps = apps.filter((a) => a !== root[0]);
    const expected = { dev: ["dev"], shared: ["prod", "stage"] }[cluster]!;
    t.deepEqual(
      envApps.map((a) => a.spec.source.path).sort(),
      expected.map((e) => `overlays/${e}`),
    );

    for (const app of apps) {
      const { source, destination } = app.spec;
      t.is(source.repoURL, `file://${remote}`);
      t.is(source.targetRevision, "main");
      t.true(await exists(join(clone, source.path)), `${source.path} exists at main`);
      const rendered = await kustomize(join(clone, source.path));
      t.true(rendered.length > 0);
      const proj = projects.get(app.spec.project);
      t.truthy(proj, `${app.metadata.name}: its project ${app.spec.project} is in the same folder`);
      t.true(proj.spec.sourceRepos.includes(source.repoURL), `${app.metadata.name}: project permits the source`);
      t.true(
        proj.spec.destinations.some((d: Obj) => d.server === destination.server && d.namespace === destination.namespace),
        `${app.metadata.name}: project permits ${destination.server} ${destination.namespace}`,
      );
      const permitted = (list: Obj[] | undefined) => new Set((list ?? []).map((k) => gk(k.group, k.kind)));
      const clusterOk = permitted(proj.spec.clusterResourceWhitelist);
      const namespacedOk = permitted(proj.spec.namespaceResourceWhitelist);
      for (const obj of rendered) {
        const kind = gk(groupOf(obj.apiVersion), obj.kind);
        const what = `${app.metadata.name}: ${obj.kind}/${obj.metadata.name}`;
        if (CLUSTER_SCOPED.has(kind)) {
          t.true(clusterOk.has(kind), `${what} is a permitted cluster-scoped kind`);
          if (obj.kind === "Namespace") t.is(obj.metadata.name, destination.namespace, `${what} is the destination namespace`);
        } else {
          t.true(namespacedOk.has(kind), `${what} is a permitted kind`);
          t.is(obj.metadata.namespace, destination.namespace, `${what} lands in the destination namespace`);
        }
        if (app !== root[0]) renderedKinds.add(kind);
      }
      if (app !== root[0]) {
        t.is(app.metadata.finalizers, undefined, `${app.metadata.name}: deleting it never deletes the volumes`);
        project ??= proj;
      }
    }
  }
  // Least privilege both ways: every kind the overlays render is permitted, and nothing else is.
  const whitelisted = [...project!.spec.clusterResourceWhitelist, ...project!.spec.namespaceResourceWhitelist].map((k: Obj) => gk(k.group, k.kind));
  t.deepEqual(whitelisted.sort(), [...renderedKinds].sort());
});

test("a second scaffold with no change makes no commit and pushes nothing", async (t) => {
  const { dir, remote } = await repoWithRemote();
  t.is((await scaffold(dir, "--push")).code, 0);
  const [before, commits] = [await refs(remote), await commitCount(dir)];
  const again = await scaffold(dir, "--push");
  t.is(again.code, 0, again.stderr);
  t.regex(again.stdout, /nothing to commit/);
  t.regex(again.stdout, /nothing to push: origin has main up to date/);
  t.is(await commitCount(dir), commits);
  t.is(await refs(remote), before, "the remote's refs did not move");
});

test("--branch commits on a new branch for a pull request; the original branch stays where it was", async (t) => {
  const { dir, remote } = await repoWithRemote();
  t.is((await scaffold(dir, "--push")).code, 0);
  const main = await rev(dir, "main");
  await writeFile(join(dir, "kafka-gitops.yaml"), config(remote, 4));

  const run = await scaffold(dir, "--branch", "kafka/prod-4-brokers", "--push");
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, /switched to new branch kafka\/prod-4-brokers \(main is unchanged\)/);
  t.regex(run.stdout, /pushed kafka\/prod-4-brokers to origin/);
  t.is(await rev(dir, "main"), main, "local main did not move");
  t.is(await rev(remote, "main"), main, "origin's main did not move");
  const tip = await rev(dir, "kafka/prod-4-brokers");
  t.is(await rev(remote, "kafka/prod-4-brokers"), tip, "the branch is on origin");
  t.is(await rev(dir, "kafka/prod-4-brokers~1"), main, "one commit on top of main");
  t.is((await git(dir, "rev-parse", "--abbrev-ref", "HEAD")).trim(), "kafka/prod-4-brokers");
  t.is((await git(dir, "rev-parse", "--abbrev-ref", "@{upstream}")).trim(), "origin/kafka/prod-4-brokers");
  t.regex(await git(dir, "log", "-1", "--format=%s"), /^kafka: scale prod 3->4/);

  const before = await refs(remote);
  const again = await scaffold(dir, "--branch", "kafka/prod-4-brokers", "--push");
  t.is(again.code, 0, again.stderr);
  t.is(await refs(remote), before, "re-running on the branch pushes nothing");
});

test("a rejected push exits 1, keeps the commit, and the printed recovery publishes it", async (t) => {
  const { dir, remote } = await repoWithRemote();
  t.is((await scaffold(dir, "--push")).code, 0);

  // Someone else pushes first.
  const other = await tempDir("other");
  await exec("git", ["clone", "--quiet", remote, other]);
  await git(other, "-c", "user.name=Other", "-c", "user.email=other@example.com", "commit", "--quiet", "--allow-empty", "-m", "someone else's change");
  await git(other, "push", "--quiet", "origin", "main");
  const theirs = await rev(other, "HEAD");

  await writeFile(join(dir, "kafka-gitops.yaml"), config(remote, 4));
  const rejected = await scaffold(dir, "--push");
  t.is(rejected.code, 1);
  t.regex(rejected.stderr, /push rejected: origin\/main has commits that this branch does not have/);
  t.regex(rejected.stderr, /nothing was forced/);
  t.regex(rejected.stderr, /git pull --rebase origin main\n\s+npx kafka-gitops scaffold --push/);
  t.is(await commitCount(dir), 2, "the local commit is kept");
  t.regex(await git(dir, "log", "-1", "--format=%s"), /^kafka: scale prod 3->4/);
  t.is(await rev(remote, "main"), theirs, "origin was not overwritten");

  // The recovery the message prints.
  await git(dir, "pull", "--quiet", "--rebase", "origin", "main");
  const retry = await scaffold(dir, "--push");
  t.is(retry.code, 0, retry.stderr);
  t.regex(retry.stdout, /nothing to commit[\s\S]*pushed main to origin/);
  t.is(await rev(remote, "main"), await rev(dir, "HEAD"));
  t.is(await rev(remote, "main~1"), theirs, "their commit is kept below ours");
});

test("git preconditions fail before anything is written", async (t) => {
  const noRemote = await repoWithRemote();
  await git(noRemote.dir, "remote", "remove", "origin");
  const push = await scaffold(noRemote.dir, "--push");
  t.is(push.code, 1);
  t.regex(push.stderr, /--push needs a remote named origin/);
  t.false(await exists(join(noRemote.dir, "clusters")));

  const { dir } = await repoWithRemote();
  const bad = await scaffold(dir, "--branch", "bad..name");
  t.is(bad.code, 2);
  t.regex(bad.stderr, /--branch "bad\.\.name" is not a valid branch name/);
  t.false(await exists(join(dir, "clusters")));

  const usage = await scaffold(dir, "--no-commit", "--push");
  t.is(usage.code, 2);
  t.false(await exists(join(dir, "clusters")));

  // An existing branch at another commit would change files on the switch: refused, nothing moves.
  t.is((await scaffold(dir)).code, 0);
  await git(dir, "branch", "older");
  await writeFile(join(dir, "kafka-gitops.yaml"), (await readFile(join(dir, "kafka-gitops.yaml"), "utf8")).replace("brokers: 3", "brokers: 4"));
  t.is((await scaffold(dir)).code, 0);
  const head = await rev(dir, "HEAD");
  await writeFile(join(dir, "kafka-gitops.yaml"), (await readFile(join(dir, "kafka-gitops.yaml"), "utf8")).replace("brokers: 4", "brokers: 5"));
  const refused = await scaffold(dir, "--branch", "older");
  t.is(refused.code, 1);
  t.regex(refused.stderr, /branch older already exists and points at another commit than main: to add to it, run `git switch older`/);
  t.is(await rev(dir, "HEAD"), head);
  t.is((await git(dir, "rev-parse", "--abbrev-ref", "HEAD")).trim(), "main");
  t.is(await git(dir, "status", "--porcelain"), " M kafka-gitops.yaml\n", "only the config edit, no generated file written");
});
