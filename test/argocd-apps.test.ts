// clusters/<cluster>/ without a cluster: every generated Argo CD object against
// Argo CD's real CRDs (unknown fields rejected), and the promises of the issue
// checked against expectations computed from the raw config, not from the generator.
import test from "ava";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { commitMessage, factsOf } from "../generator/commit-message.js";
import { ConfigError, formatProblem } from "../generator/errors.js";
import type { FileTree } from "../generator/render/tree.js";
import { namespacedKinds } from "../generator/render/argocd.js";
import { validateArgoObjects } from "./support/argocd-schema.js";
import { FIXTURES, REPO_ROOT } from "./support/paths.js";
import { renderText } from "./support/render.js";

type Obj = Record<string, any>;

const docsOf = (text: string): Obj[] =>
  parseAllDocuments(text)
    .map((d) => d.toJS() as Obj)
    .filter(Boolean);

/** Every object under clusters/, with the folder it sits in. */
function argoObjects(tree: FileTree): Array<{ cluster: string; file: string; obj: Obj }> {
  const out = [];
  for (const [path, text] of tree) {
    const m = /^clusters\/([^/]+)\/([^/]+\.yaml)$/.exec(path);
    if (!m || m[2] === "kustomization.yaml") continue;
    for (const obj of docsOf(text)) out.push({ cluster: m[1]!, file: m[2]!, obj });
  }
  return out;
}

/** Paths of keys anywhere in an object, e.g. "spec.syncPolicy.automated.enabled". */
function keyPaths(value: unknown, prefix = ""): string[] {
  if (!value || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => [`${prefix}${k}`, ...keyPaths(v, `${prefix}${k}.`)]);
}

const DEPRECATED = /(^|\.)(ignoreDifferences|allowEmpty|signatureKeys|enabled)$/;

/** What the issue asks for, from the raw YAML with the documented defaults. */
function expectations(raw: Obj) {
  const kafkaName = raw.kafka?.name ?? "kafka";
  return {
    url: raw.repo.url as string,
    revision: (raw.repo.revision ?? "main") as string,
    argoNamespace: (raw.argocd?.namespace ?? "argocd") as string,
    project: (raw.argocd?.project ?? kafkaName) as string,
    envs: Object.entries(raw.environments as Record<string, Obj>).map(([name, e]) => ({
      name,
      cluster: (e.cluster ?? name) as string,
      server: (e.server ?? "https://kubernetes.default.svc") as string,
      namespace: (e.namespace ?? `${kafkaName}-${name}`) as string,
      sync: { automated: true, prune: true, selfHeal: true, ...e.sync },
    })),
  };
}

function checkConfig(t: import("ava").ExecutionContext, configText: string): void {
  const { tree } = renderText(configText);
  const want = expectations(parse(configText));
  const objects = argoObjects(tree);
  t.deepEqual(validateArgoObjects(objects.map((o) => o.obj)), [], "every object passes the CRD schemas");

  const apps = objects.filter((o) => o.obj.kind === "Application");
  const projects = objects.filter((o) => o.obj.kind === "AppProject");
  t.true(
    objects.every((o) => o.obj.kind === "Application" || o.obj.kind === "AppProject"),
    "no ApplicationSet or other kinds",
  );
  for (const { obj } of objects) {
    t.is(obj.metadata.namespace, want.argoNamespace, `${obj.kind}/${obj.metadata.name} lives in Argo CD's namespace`);
    t.deepEqual(
      keyPaths(obj).filter((p) => DEPRECATED.test(p)),
      [],
      `${obj.metadata.name}: no deprecated fields`,
    );
  }

  for (const env of want.envs) {
    const found = apps.filter((a) => a.obj.spec.source.path === `overlays/${env.name}`);
    t.is(found.length, 1, `one Application for ${env.name}`);
    const { cluster, obj } = found[0]!;
    t.is(cluster, env.cluster, `${env.name} sits in clusters/${env.cluster}`);
    t.deepEqual(obj.spec.source, { repoURL: want.url, targetRevision: want.revision, path: `overlays/${env.name}` });
    t.deepEqual(obj.spec.destination, { server: env.server, namespace: env.namespace });
    t.is(obj.spec.project, want.project);
    t.not(obj.spec.project, "default");
    t.is(obj.metadata.finalizers, undefined, "no finalizer: deleting the Application never deletes the volumes");
    t.is(obj.metadata.annotations["argocd.argoproj.io/manifest-generate-paths"], `/overlays/${env.name};/base`);
    const policy = obj.spec.syncPolicy;
    if (env.sync.automated) t.deepEqual(policy.automated, { prune: env.sync.prune, selfHeal: env.sync.selfHeal });
    else t.false("automated" in policy, "automated omitted when sync.automated is false");
    t.false(
      policy.syncOptions.some((o: string) => o.startsWith("CreateNamespace")),
      "the overlay carries the Namespace",
    );
    t.true(policy.retry.limit > 0 && typeof policy.retry.backoff.duration === "string");
  }

  const clusters = [...new Set(want.envs.map((e) => e.cluster))].sort();
  t.deepEqual([...new Set(objects.map((o) => o.cluster))].sort(), clusters, "a folder for exactly the clusters named");
  const projectFiles = clusters.map((c) => tree.get(`clusters/${c}/appprojects.yaml`));
  t.true(
    projectFiles.every((f) => f !== undefined && f === projectFiles[0]),
    "the AppProjects are byte-identical in every folder",
  );

  const kafkaProject = projects.find((p) => p.obj.metadata.name === want.project)!.obj;
  t.deepEqual(kafkaProject.spec.sourceRepos, [want.url]);
  const pairs = (ds: Obj[]) => ds.map((d) => `${d.server} ${d.namespace}`).sort();
  t.deepEqual(pairs(kafkaProject.spec.destinations), [...new Set(want.envs.map((e) => `${e.server} ${e.namespace}`))].sort());
  t.deepEqual(kafkaProject.spec.clusterResourceWhitelist, [{ group: "", kind: "Namespace" }]);

  const wave = (o: Obj) => Number(o.metadata.annotations?.["argocd.argoproj.io/sync-wave"] ?? 0);
  const lastProject = Math.max(...projects.map((p) => wave(p.obj)));
  t.true(
    apps.every((a) => wave(a.obj) > lastProject),
    "AppProjects sync before the Applications",
  );

  for (const cluster of clusters) {
    const kustomization = parse(tree.get(`clusters/${cluster}/kustomization.yaml`)!);
    const files = [...tree.keys()].filter((p) => p.startsWith(`clusters/${cluster}/`) && !p.endsWith("/kustomization.yaml")).map((p) => p.split("/")[2]);
    t.deepEqual([...kustomization.resources].sort(), files.sort(), `kubectl apply -k clusters/${cluster} applies every file`);
    const roots = apps.filter((a) => a.cluster === cluster && a.obj.spec.source.path === `clusters/${cluster}`);
    t.is(roots.length, 1, `clusters/${cluster} has one root Application that syncs the folder`);
    const root = roots[0]!.obj;
    t.is(root.metadata.finalizers, undefined);
    t.not(root.spec.project, "default");
    t.not(root.spec.project, want.project, "the root is not in the Kafka project, which permits no Argo CD objects");
  }
}

const fixtures = (await readdir(FIXTURES)).sort();
for (const fixture of fixtures)
  test(`fixture ${fixture}: Argo CD objects`, async (t) => checkConfig(t, await readFile(join(FIXTURES, fixture, "kafka-gitops.yaml"), "utf8")));

test("this repository's kafka-gitops.yaml: Argo CD objects", async (t) => checkConfig(t, await readFile(join(REPO_ROOT, "kafka-gitops.yaml"), "utf8")));

const SEVERAL = (url: string) => `repo:
  url: ${url}
  revision: release-1
argocd: { namespace: gitops, project: streaming }
environments:
  dev: { sync: { automated: false } }
  stage: { cluster: shared, sync: { prune: false } }
  prod: { cluster: shared, server: "https://prod.example.com:6443", brokers: 3, sync: { selfHeal: false } }
  edge: { cluster: edge, namespace: kafka-edge, workload: deployment-per-broker }
`;

for (const url of [
  "https://git.example.com/acme/kafka.git",
  "ssh://git@git.example.com:2222/acme/kafka.git",
  "git@github.com:acme/kafka.git",
  "file:///srv/git/kafka.git",
])
  test(`several environments on several clusters, repo.url ${url} carried verbatim`, (t) => checkConfig(t, SEVERAL(url)));

test("the Kafka project permits exactly the kinds of the workloads in use", (t) => {
  const kinds = (w: Parameters<typeof namespacedKinds>[0]) =>
    namespacedKinds(w)
      .map((k) => `${k.group}/${k.kind}`)
      .sort();
  const common = ["/ConfigMap", "/Service", "networking.k8s.io/NetworkPolicy", "policy/PodDisruptionBudget"];
  t.deepEqual(kinds(["statefulset"]), [...common, "apps/StatefulSet"].sort());
  t.deepEqual(kinds(["deployment-per-broker"]), [...common, "/PersistentVolumeClaim", "apps/Deployment"].sort());
  const { tree } = renderText(SEVERAL("https://git.example.com/acme/kafka.git"));
  const project = docsOf(tree.get("clusters/dev/appprojects.yaml")!).find((o) => o.metadata.name === "streaming")!;
  t.is(project.spec.namespaceResourceWhitelist.length, 7, "both workloads: their kinds, each once");
});

function problems(text: string): string[] {
  try {
    renderText(text);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map(formatProblem);
    throw err;
  }
}

test("argocd.project default and Application name clashes are refused", (t) => {
  t.deepEqual(problems("repo: { url: https://x.example/r.git }\nargocd: { project: default }\nenvironments: { dev: {} }\n"), [
    'argocd.project: must not be "default": Argo CD\'s built-in project permits every repository, cluster and kind, and the generated AppProject would replace it; choose another name (default: kafka.name)',
  ]);
  t.deepEqual(problems("repo: { url: https://x.example/r.git }\nenvironments: { dev: {}, apps-dev: { cluster: other } }\n"), [
    "environments.apps-dev: its Argo CD Application would be named kafka-apps-dev, like the root Application of cluster dev; rename the environment",
  ]);
});

test("commit messages say how to bootstrap a new cluster folder and what to delete for a removed one", (t) => {
  const before = renderText(SEVERAL("https://git.example.com/acme/kafka.git"));
  const first = commitMessage(
    before.model,
    [...before.tree.keys()].map((path) => ({ path, kind: "added" as const })),
  );
  t.regex(first, /^clusters\/edge: new; bootstrap it once with `kubectl apply -k clusters\/edge`$/m);

  // dev leaves the config and edge moves to shared: both folders disappear.
  const after = renderText(
    SEVERAL("https://git.example.com/acme/kafka.git")
      .replace(/  dev: .*\n/, "")
      .replace("cluster: edge,", "cluster: shared,"),
  );
  const changes = [
    ...[...before.tree.keys()].filter((p) => !after.tree.has(p)).map((path) => ({ path, kind: "removed" as const })),
    ...[...after.tree.keys()].filter((p) => !before.tree.has(p)).map((path) => ({ path, kind: "added" as const })),
    ...[...after.tree.keys()].filter((p) => before.tree.has(p) && before.tree.get(p) !== after.tree.get(p)).map((path) => ({ path, kind: "changed" as const })),
  ];
  const message = commitMessage(after.model, changes, factsOf(before.model));
  t.regex(message, /^clusters\/dev: removed; in its Argo CD delete by hand: kubectl -n gitops delete application kafka-apps-dev kafka-dev$/m);
  t.regex(
    message,
    /^clusters\/edge: removed; in its Argo CD delete by hand: kubectl -n gitops delete application kafka-apps-edge; edge moved to clusters\/shared \(if that is another Argo CD, delete kafka-edge here too\)$/m,
  );
  t.regex(message, /^clusters\/shared: Argo CD objects changed$/m);
});
