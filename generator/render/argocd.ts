// clusters/<cluster>/: the Argo CD objects that deploy the overlays. Per cluster:
// one Application per environment, the two AppProjects (byte-identical in every
// folder) and a root Application that syncs the folder itself, so after one
// `kubectl apply -k clusters/<cluster>` every later change arrives through Git.
import type { Workload } from "../config/schema.js";
import { annotations, ARGO_IN_CLUSTER, argoNames, clusterFiles, dirs, labels, MANAGED_BY } from "../layout.js";
import type { EnvironmentModel, Model } from "../model/model.js";
import { yamlFile } from "./files.js";
import { KUSTOMIZATION } from "./kustomization.js";
import { securityKinds } from "./security.js";
import { syncPolicyText } from "../text.js";

const API_VERSION = "argoproj.io/v1alpha1";

export interface GroupKind {
  group: string;
  kind: string;
}

// What the overlays render, by workload. The Kafka AppProject permits exactly
// these; a renderer that adds a kind needs a line here (test/git-flow.test.ts
// compares this against what `kubectl kustomize` renders).
const COMMON_KINDS: GroupKind[] = [
  { group: "", kind: "ConfigMap" },
  { group: "", kind: "Service" },
  { group: "policy", kind: "PodDisruptionBudget" },
  { group: "networking.k8s.io", kind: "NetworkPolicy" },
];
const WORKLOAD_KINDS: Record<Workload, GroupKind[]> = {
  statefulset: [{ group: "apps", kind: "StatefulSet" }],
  "deployment-per-broker": [
    { group: "apps", kind: "Deployment" },
    { group: "", kind: "PersistentVolumeClaim" },
  ],
};
/** The overlays' only cluster-scoped object: the environment's Namespace. */
export const CLUSTER_KINDS: readonly GroupKind[] = [{ group: "", kind: "Namespace" }];

export function namespacedKinds(workloads: readonly Workload[], extra: readonly GroupKind[] = []): GroupKind[] {
  const all = [...COMMON_KINDS, ...workloads.flatMap((w) => WORKLOAD_KINDS[w]), ...extra];
  return all.sort((a, b) => localeOrder(a.kind, b.kind) || localeOrder(a.group, b.group));
}

/** What `security` adds, only where an environment renders it: Certificates, Issuers (an environment's own CA) and the users Job. */
export function securityKindsOf(model: Model): GroupKind[] {
  const secured = model.environments.flatMap((em) => (em.security !== undefined ? [em.security] : []));
  if (secured.length === 0) return [];
  return [
    securityKinds.certificate,
    ...(secured.some((s) => s.ownCa) ? [securityKinds.issuer] : []),
    // Any SCRAM environment may render the users Job (also to delete the last user's credential).
    ...(secured.some((s) => s.clients === "scram") ? [securityKinds.job] : []),
  ];
}

const PLAIN_NAME = /^[A-Za-z0-9-]*$/;

/**
 * The order of a.localeCompare(b), without starting ICU's collator (its first call costs
 * about 20 ms) where a plain comparison gives the same answer: for names of letters,
 * digits and '-', the collator orders by the lower-cased letters first, with '-' before
 * digits before letters, as code units do; only case differences and other characters need it.
 */
function localeOrder(a: string, b: string): number {
  if (a === b) return 0;
  if (PLAIN_NAME.test(a) && PLAIN_NAME.test(b)) {
    const [la, lb] = [a.toLowerCase(), b.toLowerCase()];
    if (la !== lb) return la < lb ? -1 : 1;
  }
  return a.localeCompare(b);
}

// A failed sync (an API server hiccup, a webhook not ready yet) is retried for
// about five minutes; after that Argo CD waits for the next commit or a manual sync.
const RETRY = { limit: 5, backoff: { duration: "10s", factor: 2, maxDuration: "3m" } };

/** `repoPath`: the target directory inside its repository ("" or "platform/kafka/"); every path Argo CD reads starts there. */
export function renderClusters(model: Model, repoPath = ""): Array<[string, string]> {
  // Environments by cluster, grouped once: a filter per cluster would scan the whole fleet for each (one cluster per environment is the default).
  const byCluster = new Map<string, EnvironmentModel[]>();
  for (const em of model.environments) {
    const list = byCluster.get(em.env.cluster);
    if (list) list.push(em);
    else byCluster.set(em.env.cluster, [em]);
  }
  const clusters = [...byCluster.keys()].sort();
  const projects = yamlFile(appProjects(model), [
    "Identical in every clusters/* folder: folders applied to one Argo CD never disagree about them.",
    `${model.config.argocd.project}: what the environment Applications may deploy: from this repository only,`,
    "into the environments' namespaces only, and only the kinds the overlays render (Namespace the only cluster-scoped one).",
    `${bootstrapName(model)}: what the root Applications may deploy: Applications and AppProjects into ${model.config.argocd.namespace}.`,
  ]);
  return clusters.flatMap((cluster): Array<[string, string]> => {
    const dir = dirs.cluster(cluster);
    const envs = byCluster.get(cluster)!;
    const kustomization = {
      ...KUSTOMIZATION,
      resources: [clusterFiles.projects, clusterFiles.root, ...envs.map((em) => clusterFiles.application(em.env.name))],
    };
    return [
      [
        `${dir}/${clusterFiles.kustomization}`,
        yamlFile(
          [kustomization],
          [
            `Cluster ${cluster}. Bootstrap once, against the cluster where Argo CD runs: kubectl apply -k ${dir}`,
            "From then on the root Application syncs this folder from Git: environments added, changed or removed arrive by commit.",
          ],
        ),
      ],
      [`${dir}/${clusterFiles.projects}`, projects],
      [
        `${dir}/${clusterFiles.root}`,
        yamlFile(
          [rootApplication(model, cluster, repoPath)],
          [
            `App of apps: syncs ${dir} (this file included), so Application changes need no kubectl.`,
            "prune: an environment removed from kafka-gitops.yaml loses its Application, which deletes nothing in the environment (see app-*.yaml).",
            "No selfHeal: a hand edit to an Application (pausing auto-sync during an incident) holds until the next commit, and two",
            "cluster folders bootstrapped into one Argo CD never re-sync the AppProjects they share against each other.",
            "No resources finalizer: deleting this Application leaves the environment Applications and everything they deployed in place.",
          ],
        ),
      ],
      ...envs.map((em): [string, string] => [
        `${dir}/${clusterFiles.application(em.env.name)}`,
        yamlFile(
          [environmentApplication(model, em, repoPath)],
          [
            `Environment ${em.env.name}: ${dirs.overlay(em.env.name)} -> ${em.env.server}, namespace ${em.env.namespace}. ${syncText(em)}`,
            "No resources-finalizer.argocd.argoproj.io, on purpose: deleting this Application (by hand, or through the root",
            "Application when the environment leaves the config) deletes nothing in the cluster. Kafka keeps running unmanaged and",
            "its volumes stay; remove them by hand once the data is no longer needed.",
            `No CreateNamespace: ${dirs.overlay(em.env.name)}/namespace.yaml is the Namespace, and Argo CD never prunes or deletes it.`,
            "FailOnSharedResource: a sync stops rather than take over objects that another Application manages.",
          ],
        ),
      ]),
    ];
  });
}

function bootstrapName(model: Model): string {
  return argoNames(model.kafkaName, model.config.argocd.project).bootstrapProject;
}

function syncText(em: EnvironmentModel): string {
  if (!em.env.sync.automated) return `Sync: manual (environments.${em.env.name}.sync.automated: false), press Sync after each merge.`;
  return `Sync: ${syncPolicyText(em.env.sync)}.`;
}

function metadata(model: Model, name: string, wave: string, extra: { labels?: Record<string, string>; annotations?: Record<string, string> } = {}) {
  return {
    name,
    namespace: model.config.argocd.namespace,
    labels: { [labels.managedBy]: MANAGED_BY, ...extra.labels },
    annotations: { [annotations.argoSyncWave]: wave, ...extra.annotations },
  };
}

// Wave -1: Argo CD refuses an Application whose project does not exist yet.
const PROJECT_WAVE = "-1";
const APPLICATION_WAVE = "0";

function appProjects(model: Model) {
  const { repo, argocd } = model.config;
  const names = argoNames(model.kafkaName, argocd.project);
  const destinations = [
    ...new Map(model.config.environments.map((e) => [`${e.server} ${e.namespace}`, { server: e.server, namespace: e.namespace }])).values(),
  ].sort((a, b) => localeOrder(a.server, b.server) || localeOrder(a.namespace, b.namespace));
  return [
    {
      apiVersion: API_VERSION,
      kind: "AppProject",
      metadata: metadata(model, names.project, PROJECT_WAVE),
      spec: {
        description: "Apache Kafka environments generated by kafka-gitops",
        sourceRepos: [repo.url],
        destinations,
        clusterResourceWhitelist: CLUSTER_KINDS,
        namespaceResourceWhitelist: namespacedKinds(model.workloads, securityKindsOf(model)),
      },
    },
    {
      apiVersion: API_VERSION,
      kind: "AppProject",
      metadata: metadata(model, names.bootstrapProject, PROJECT_WAVE),
      spec: {
        description: "Root Applications of kafka-gitops: they only deploy Argo CD objects",
        sourceRepos: [repo.url],
        destinations: [{ server: ARGO_IN_CLUSTER, namespace: argocd.namespace }],
        // No clusterResourceWhitelist: nothing cluster-scoped.
        namespaceResourceWhitelist: [
          { group: "argoproj.io", kind: "AppProject" },
          { group: "argoproj.io", kind: "Application" },
        ],
      },
    },
  ];
}

function rootApplication(model: Model, cluster: string, repoPath: string) {
  const { repo, argocd } = model.config;
  const names = argoNames(model.kafkaName, argocd.project);
  const path = repoPath + dirs.cluster(cluster);
  return {
    apiVersion: API_VERSION,
    kind: "Application",
    metadata: metadata(model, names.root(cluster), APPLICATION_WAVE, { annotations: { [annotations.argoManifestGeneratePaths]: `/${path}` } }),
    spec: {
      project: names.bootstrapProject,
      source: { repoURL: repo.url, targetRevision: repo.revision, path },
      destination: { server: ARGO_IN_CLUSTER, namespace: argocd.namespace },
      syncPolicy: { automated: { prune: true, selfHeal: false }, retry: RETRY },
    },
  };
}

function environmentApplication(model: Model, em: EnvironmentModel, repoPath: string) {
  const { repo, argocd } = model.config;
  const { env } = em;
  const { automated, prune, selfHeal } = env.sync;
  const path = repoPath + dirs.overlay(env.name);
  return {
    apiVersion: API_VERSION,
    kind: "Application",
    metadata: metadata(model, argoNames(model.kafkaName, argocd.project).application(env.name), APPLICATION_WAVE, {
      labels: { [labels.environment]: env.name },
      annotations: { [annotations.argoManifestGeneratePaths]: `/${path};/${repoPath}${dirs.base}` },
    }),
    spec: {
      project: argocd.project,
      source: { repoURL: repo.url, targetRevision: repo.revision, path },
      destination: { server: env.server, namespace: env.namespace },
      syncPolicy: {
        // Without `automated` Argo CD only reports drift; `automated.enabled` would need Argo CD >= 3.1 everywhere.
        ...(automated && { automated: { prune, selfHeal } }),
        // Client-side apply, as `kubectl apply -k` does: the objects are small and gain nothing from ServerSideApply.
        syncOptions: ["FailOnSharedResource=true"],
        retry: RETRY,
      },
    },
  };
}
