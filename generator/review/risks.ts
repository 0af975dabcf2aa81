// review/risks: compares the committed state of every environment with the new
// one and names the changes that can hurt a running Kafka cluster, each with
// what to do about it. Pure, so `scaffold`, `diff` and a future refusal rule
// share it.
import { isQuantity, parseQuantity } from "../quantity.js";
import type { EnvironmentState, EnvironmentStates, SyncPolicy } from "./state.js";

/** In the order warnings are listed within an environment: the most destructive first. */
export const WARNING_KINDS = [
  "environment-removed",
  "namespace-changed",
  "cluster-id-changed",
  "topology-changed",
  "voters-changed",
  "brokers-decreased",
  "storage-shrunk",
  "storage-class-changed",
  "storage-grown-statefulset",
  "workload-switched",
  "image-downgraded",
  "sync-loosened",
  "sync-enabled",
] as const;

export type WarningKind = (typeof WARNING_KINDS)[number];

export interface Warning {
  environment: string;
  kind: WarningKind;
  /** What changes, in one sentence. */
  message: string;
  /** What to do before merging. */
  advice: string;
  /** The config keys below environments.<env> the change is about, where the kind alone does not say (e.g. controllerNodes.storage). */
  configKey?: string[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Dotted numeric version at the start of a tag ("4.3.1", "4.1.0-rc1" -> [4, 1, 0]); undefined for anything else. */
export function versionOf(image: string | undefined): number[] | undefined {
  if (image === undefined || image.includes("@")) return undefined;
  const colon = image.lastIndexOf(":");
  if (colon <= image.lastIndexOf("/")) return undefined;
  const m = /^v?(\d+(?:\.\d+)*)/.exec(image.slice(colon + 1));
  return m ? m[1]!.split(".").map(Number) : undefined;
}

/** Negative when a < b, numerically per component ("4.10" is newer than "4.9"). */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function riskWarnings(before: EnvironmentStates, after: EnvironmentStates): Warning[] {
  const out: Warning[] = [];
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  for (const name of names) {
    const b = before.get(name);
    const a = after.get(name);
    if (b && !a) out.push(environmentRemoved(b));
    else if (b && a) out.push(...environmentRisks(b, a));
  }
  const rank = (k: WarningKind) => WARNING_KINDS.indexOf(k);
  return out.sort((x, y) => (x.environment < y.environment ? -1 : x.environment > y.environment ? 1 : rank(x.kind) - rank(y.kind)));
}

function environmentRemoved(b: EnvironmentState): Warning {
  const ns = b.namespace ?? "<namespace>";
  const cluster = `its Kafka cluster${b.brokers !== undefined ? ` (${plural(b.brokers, "broker")})` : ""}`;
  // What happens depends on the Application: with Argo CD's resources finalizer its deletion cascades; kafka-gitops' own Applications carry none.
  const consequence =
    b.sync === undefined
      ? `Argo CD prunes everything it managed there (workloads, Services, ConfigMap), so ${cluster} stops`
      : b.sync.cascadeDelete
        ? `Argo CD deletes Application ${b.sync.application} and, through its resources finalizer, everything it deployed: ${cluster} stops`
        : `Argo CD deletes Application ${b.sync.application} but nothing it deployed: ${cluster} keeps running unmanaged, and no later commit reaches it`;
  return {
    environment: b.name,
    kind: "environment-removed",
    message: `${b.name}: environment removed: ${consequence}`,
    advice: `Make sure no client still uses ${ns}. The namespace and the data volumes are never pruned (Prune=false, claims retained): once the data is no longer needed, delete them by hand (\`kubectl delete namespace ${ns}\`). If the removal is a mistake, restore environments.${b.name} in kafka-gitops.yaml.`,
  };
}

function environmentRisks(b: EnvironmentState, a: EnvironmentState): Warning[] {
  const env = a.name;
  const out: Warning[] = [];
  const warn = (kind: WarningKind, message: string, advice: string, configKey?: string[]) =>
    out.push({ environment: env, kind, message, advice, ...(configKey && { configKey }) });
  const ns = a.namespace ?? "<namespace>";

  if (b.namespace !== undefined && a.namespace !== undefined && b.namespace !== a.namespace)
    warn(
      "namespace-changed",
      `${env}: namespace changes from ${b.namespace} to ${a.namespace}: Argo CD starts a new, empty Kafka cluster there and prunes the old workloads; the data stays in ${b.namespace}'s volumes`,
      `Keep namespace ${b.namespace} unless an empty cluster is what you want. Moving data needs a migration (e.g. MirrorMaker 2), not a rename.`,
    );

  if (b.clusterId !== undefined && a.clusterId !== undefined && b.clusterId !== a.clusterId)
    warn(
      "cluster-id-changed",
      `${env}: CLUSTER_ID changes from ${b.clusterId} to ${a.clusterId}: every node refuses to start on its existing volume, which records the old id`,
      `To keep the data, set environments.${env}.clusterId: ${b.clusterId} in kafka-gitops.yaml (the derived id follows kafka.name and the environment name). Change it only for a brand-new cluster on empty volumes.`,
    );

  const topologyChanged = b.topology !== undefined && a.topology !== undefined && b.topology !== a.topology;
  if (topologyChanged)
    warn(
      "topology-changed",
      `${env}: topology changes from ${b.topology} to ${a.topology}: the KRaft quorum ${a.topology === "dedicated" ? "moves to new controller-only nodes with empty volumes" : "moves onto the brokers"} and node ids shift, which a running cluster cannot follow`,
      `Keep topology: ${b.topology} for ${env}. Another topology needs a new environment and a data migration (e.g. MirrorMaker 2).`,
    );

  if (b.voterIds !== undefined && a.voterIds !== undefined && b.voterIds.join(",") !== a.voterIds.join(",")) {
    const describe = (ids: number[]) => `${ids.length} (node${ids.length === 1 ? "" : "s"} ${ids.join(", ")})`;
    warn(
      "voters-changed",
      `${env}: KRaft voters change from ${describe(b.voterIds)} to ${describe(a.voterIds)}: controller.quorum.voters is fixed for the life of a cluster, and nodes started with the old quorum cannot form the new one`,
      `Keep controllers: ${b.voterIds.length} for ${env}. A different quorum size needs a new environment and a data migration; kafka-gitops generates a static quorum only.`,
    );
  }

  if (b.brokers !== undefined && a.brokers !== undefined && a.brokers < b.brokers) {
    const removed = b.brokers - a.brokers;
    const factor = (s: EnvironmentState) => Number(s.settings["default.replication.factor"] ?? NaN);
    const rfDrop = factor(a) < factor(b) ? `; the default replication factor drops from ${factor(b)} to ${factor(a)}, existing topics keep theirs and stay under-replicated` : "";
    warn(
      "brokers-decreased",
      `${env}: brokers decrease from ${b.brokers} to ${a.brokers}: ${removed === 1 ? "the broker with the highest node id stops, and its partition replicas go offline" : `the ${removed} brokers with the highest node ids stop, and their partition replicas go offline`}${rfDrop}`,
      `Before merging, move all partitions off the departing brokers (\`kafka-reassign-partitions.sh\` with a plan that excludes them) and check that no topic's replication factor exceeds ${a.brokers}. After the scale-down, unregister them (\`kafka-cluster.sh unregister --id <node.id>\`). Their volumes are kept; delete the PVCs once the data is no longer needed.`,
    );
  }

  const volumes: Array<[EnvironmentState["storage"], EnvironmentState["storage"], string, string]> = [
    [b.storage, a.storage, "storage per broker", "storage"],
    // A topology change has its own warning; controller volumes are compared within one topology only.
    ...(topologyChanged ? [] : [[b.controllerStorage, a.controllerStorage, "storage per controller-only node", "controllerNodes.storage"] as [EnvironmentState["storage"], EnvironmentState["storage"], string, string]]),
  ];
  for (const [bs, as, what, key] of volumes) {
    if (!bs || !as) continue;
    if (isQuantity(bs.size) && isQuantity(as.size)) {
      const before = parseQuantity(bs.size);
      const after = parseQuantity(as.size);
      if (after < before)
        warn(
          "storage-shrunk",
          `${env}: ${what} decreases from ${bs.size} to ${as.size}: a PersistentVolumeClaim can never shrink, so the sync fails`,
          `Keep ${key}.size at ${bs.size}. Smaller volumes need a new environment and a data migration.`,
          [...key.split("."), "size"],
        );
      else if (after > before && a.workload === "statefulset" && b.workload === "statefulset")
        warn(
          "storage-grown-statefulset",
          `${env}: ${what} grows from ${bs.size} to ${as.size}, but a StatefulSet's volumeClaimTemplates cannot change: Argo CD's sync fails until the StatefulSets are recreated`,
          `Expand each claim by hand first (\`kubectl -n ${ns} patch pvc data-<pod> -p '{"spec":{"resources":{"requests":{"storage":"${as.size}"}}}}'\`; the StorageClass needs allowVolumeExpansion), then \`kubectl -n ${ns} delete statefulset -l app.kubernetes.io/name=kafka --cascade=orphan\` and sync: the pods and volumes stay.`,
        );
    }
    if (bs.storageClass !== as.storageClass)
      warn(
        "storage-class-changed",
        `${env}: StorageClass of the ${what.replace("storage per ", "")} volumes changes from ${bs.storageClass ?? "the cluster default"} to ${as.storageClass ?? "the cluster default"}: existing volumes cannot move to another class, so the sync fails or new nodes land on a different class`,
        `Keep ${key}.storageClass ${bs.storageClass === undefined ? "unset" : `at ${bs.storageClass}`}. Another class needs a new environment and a data migration.`,
        [...key.split("."), "storageClass"],
      );
  }

  if (b.workload !== undefined && a.workload !== undefined && b.workload !== a.workload)
    warn(
      "workload-switched",
      `${env}: workload switches from ${b.workload} to ${a.workload}: every broker restarts at once (the old pods must release their volumes first), a short outage; node ids, CLUSTER_ID and volumes are kept`,
      `Merge in a maintenance window and tell the clients. After a switch back to statefulset, Argo CD may list the volume claims as requiring pruning: never prune them.`,
    );

  const bv = versionOf(b.image);
  const av = versionOf(a.image);
  if (bv && av && compareVersions(av, bv) < 0)
    warn(
      "image-downgraded",
      `${env}: image downgrades from ${b.image} to ${a.image}: Kafka can only run an older release while the finalized metadata.version is one that release knows`,
      `Check \`kafka-features.sh --bootstrap-server <bootstrap> describe\` in ${ns} first; if metadata.version was raised after the upgrade, keep ${b.image}. Try a downgrade in a non-production environment first.`,
    );

  if (b.sync && a.sync) out.push(...syncRisks(env, b.sync, a.sync));
  return out;
}

const SYNC_OFF: Record<keyof SyncPolicy, string> = {
  automated: "automated sync off: merged commits wait for a manual sync, so Git no longer says what runs",
  prune: "prune off: objects removed from Git keep running (e.g. a removed broker's Deployment)",
  selfHeal: "selfHeal off: changes made by hand in the cluster stay",
};
const SYNC_ON: Record<keyof SyncPolicy, string> = {
  automated: "automated sync on: the next commit applies everything merged while syncs were manual",
  prune: "prune on: the next sync deletes every object Argo CD tracks that is no longer in Git",
  selfHeal: "selfHeal on: the next sync reverts every change made by hand in the cluster",
};
const FLAGS: Array<keyof SyncPolicy> = ["automated", "prune", "selfHeal"];

/**
 * "Loosened" = Git stops being the whole truth about the cluster: automated,
 * prune or selfHeal turned off. Turning one on is not loosening, but its first
 * sync acts on all drift accumulated meanwhile, so it is warned about too.
 */
function syncRisks(env: string, b: SyncPolicy, a: SyncPolicy): Warning[] {
  const out: Warning[] = [];
  // prune and selfHeal are options of automated sync: when automated itself flips, that is the change to name.
  const flags = b.automated !== a.automated ? FLAGS.slice(0, 1) : FLAGS;
  const off = flags.filter((f) => b[f] && !a[f]);
  const on = flags.filter((f) => !b[f] && a[f]);
  if (off.length)
    out.push({
      environment: env,
      kind: "sync-loosened",
      message: `${env}: Argo CD sync policy loosened: ${off.map((f) => SYNC_OFF[f]).join("; ")}`,
      advice: `Keep it only as long as needed (e.g. during an incident), and note in the pull request when it will be turned back on.`,
    });
  if (on.length)
    out.push({
      environment: env,
      kind: "sync-enabled",
      message: `${env}: Argo CD sync policy tightened: ${on.map((f) => SYNC_ON[f]).join("; ")}`,
      advice: `Before merging, open the Application in Argo CD and check its diff and the resources marked "requires pruning": make sure nothing there should survive.`,
    });
  return out;
}
