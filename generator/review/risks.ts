// review/risks: compares the committed state of every environment with the new
// one and names the changes that can hurt a running Kafka cluster, each with
// the config key it is about and what to do. Pure, so `scaffold` (whose
// guards refuse some kinds, see guards.ts) and `diff` share it.
import type { ConfigPath } from "../errors.js";
import type { EnvironmentStates, PartialEnvironmentState, SyncState, Volume } from "../model/state.js";
import { isQuantity, parseQuantity } from "../quantity.js";
import { labels, objectNames, ports } from "../layout.js";
import { sameServer } from "../server-url.js";
import { durabilityRisks } from "./durability.js";
import { plural } from "../text.js";

/** In the order warnings are listed within an environment: the most destructive first. */
export const WARNING_KINDS = [
  "environment-removed",
  "environment-renamed",
  "server-changed",
  "namespace-changed",
  "object-names-changed",
  "cluster-id-changed",
  "topology-changed",
  "voters-changed",
  "node-ids-changed",
  "claims-changed",
  "zone-changed",
  "brokers-decreased",
  "durability-tightened",
  "replication-raised",
  "brokers-added",
  "storage-shrunk",
  "storage-class-changed",
  "storage-grown-statefulset",
  "zone-pinned",
  "workload-switched",
  "workload-switch-waits",
  "security-enabled",
  "user-removed",
  "security-changed",
  "image-downgraded",
  "sync-loosened",
  "sync-enabled",
] as const;

export type WarningKind = (typeof WARNING_KINDS)[number];

export interface Warning {
  environment: string;
  /** What the guard's flag names when it is not the environment (a user for --allow-remove-user). */
  subject?: string;
  kind: WarningKind;
  /** The config key the change is about, e.g. environments.prod.storage.size or kafka.name. */
  path: ConfigPath;
  /** What changes, in one sentence. */
  message: string;
  /** What to do before merging. */
  advice: string;
}

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

type State = PartialEnvironmentState;

/** Same API server and namespace: the objects land where the old environment's run. */
const samePlace = (b: State, a: State) =>
  b.namespace !== undefined && b.namespace === a.namespace && b.server !== undefined && a.server !== undefined && sameServer(b.server, a.server);

/** Kinds that are advice for a safe change, printed as notes: never refused, not counted as warnings. */
export const NOTE_KINDS: ReadonlySet<WarningKind> = new Set(["brokers-added"]);
export const isNote = (w: Warning): boolean => NOTE_KINDS.has(w.kind);

export interface RiskOptions {
  /** The --dir and --config the user passed, for the kafka-gitops commands in the advice. */
  dir?: string;
  config?: string;
}

export function riskWarnings(before: EnvironmentStates, after: EnvironmentStates, opts: RiskOptions = {}): Warning[] {
  const out: Warning[] = [];
  const removed = [...before.values()].filter((b) => !after.has(b.name));
  const added = [...after.values()].filter((a) => !before.has(a.name));
  for (const b of before.values()) {
    const a = after.get(b.name);
    if (a) out.push(...environmentRisks(b, a, opts));
  }
  // An environment that disappears while a new one takes over its namespace on the same server is a rename:
  // the running objects continue under the new name, so its identity is compared as for any change.
  for (const b of removed) {
    const heir = added.find((a) => samePlace(b, a));
    if (heir) out.push(renamed(b, heir), ...environmentRisks(b, heir, opts));
    else out.push(environmentRemoved(b, added));
  }
  const rank = (k: WarningKind) => WARNING_KINDS.indexOf(k);
  return out.sort((x, y) => (x.environment < y.environment ? -1 : x.environment > y.environment ? 1 : rank(x.kind) - rank(y.kind)));
}

function renamed(b: State, a: State): Warning {
  return {
    environment: a.name,
    kind: "environment-renamed",
    path: ["environments", a.name],
    message: `${a.name}: environment ${b.name} is renamed to ${a.name}: it keeps namespace ${a.namespace} on ${a.server}, so the running cluster continues under Application ${a.sync?.application ?? a.name}; Argo CD deletes Application ${b.sync?.application ?? b.name}, which deletes nothing`,
    advice: `Nothing to do if every identity key is kept (they are compared below). Tell whoever watches Application ${b.sync?.application ?? b.name} in Argo CD.`,
  };
}

function environmentRemoved(b: State, added: readonly State[]): Warning {
  const ns = b.namespace ?? "<namespace>";
  const cluster = `its Kafka cluster${b.brokers !== undefined ? ` (${plural(b.brokers, "broker")})` : ""}`;
  // What happens depends on the Application: with Argo CD's resources finalizer its deletion cascades; kafka-gitops' own Applications carry none.
  const consequence =
    b.sync === undefined
      ? `Argo CD prunes everything it managed there (workloads, Services, ConfigMap), so ${cluster} stops`
      : b.sync.cascadeDelete
        ? `Argo CD deletes Application ${b.sync.application} and, through its resources finalizer, everything it deployed: ${cluster} stops`
        : `Argo CD deletes Application ${b.sync.application} but nothing it deployed: ${cluster} keeps running unmanaged, and no later commit reaches it`;
  // A rename without a pinned identity is a removal plus an addition: say so, and how to make it a rename.
  const heir = added.length === 1 ? added[0]!.name : "<new name>";
  const rename = added.length
    ? ` This is not a rename: no new environment (${added.map((a) => a.name).join(", ")}) runs in namespace ${ns} on ${b.server ?? "its server"}, so a new, empty cluster starts. To rename ${b.name} to ${heir}, pin its identity: environments.${heir}.namespace: ${ns}${b.server !== undefined ? `, server: ${b.server}` : ""}${b.clusterId !== undefined ? `, clusterId: ${b.clusterId}` : ""}.`
    : "";
  return {
    environment: b.name,
    kind: "environment-removed",
    path: ["environments", b.name],
    message: `${b.name}: environment removed: ${consequence}`,
    advice: `Make sure no client still uses ${ns}. The namespace and the data volumes are never pruned (Prune=false, claims retained): once the data is no longer needed, delete them by hand (\`kubectl delete namespace ${ns}\`). If the removal is a mistake, restore environments.${b.name} in kafka-gitops.yaml.${rename}`,
  };
}

const nodesText = (ids: readonly number[]) => `${ids.length} (node${ids.length === 1 ? "" : "s"} ${ids.join(", ")})`;

function environmentRisks(b: State, a: State, opts: RiskOptions): Warning[] {
  const env = a.name;
  const out: Warning[] = [];
  const at = (...keys: string[]): ConfigPath => ["environments", env, ...keys];
  const warn = (kind: WarningKind, path: ConfigPath, message: string, advice: string) =>
    out.push({ environment: env, kind, path, message: `${env}: ${message}`, advice });
  const ns = a.namespace ?? "<namespace>";
  const newCluster = "a new environment and a data migration (e.g. MirrorMaker 2)";

  if (b.server !== undefined && a.server !== undefined && !sameServer(b.server, a.server))
    warn(
      "server-changed",
      at("server"),
      `destination server changes from ${b.server} to ${a.server}: Argo CD starts a new, empty Kafka cluster on ${a.server} and stops managing the one on ${b.server}, whose data stays there`,
      `Keep server: ${b.server} for ${env}. Another API server needs ${newCluster}.`,
    );

  if (b.namespace !== undefined && a.namespace !== undefined && b.namespace !== a.namespace)
    warn(
      "namespace-changed",
      at("namespace"),
      `namespace changes from ${b.namespace} to ${a.namespace}: Argo CD starts a new, empty Kafka cluster there and prunes the old workloads; the data stays in ${b.namespace}'s volumes`,
      `Keep namespace ${b.namespace} (set environments.${env}.namespace: ${b.namespace} if it was derived) unless an empty cluster is what you want. Moving data needs a migration (e.g. MirrorMaker 2), not a rename.`,
    );

  const namesChanged = b.kafkaName !== undefined && a.kafkaName !== undefined && b.kafkaName !== a.kafkaName;
  if (namesChanged) {
    const pods = (s: State) =>
      (s.nodes ?? [])
        .map((n) => n.pod)
        .slice(0, 3)
        .join(", ");
    warn(
      "object-names-changed",
      ["kafka", "name"],
      `object names change from ${b.kafkaName}-* to ${a.kafkaName}-* (pods ${pods(b)} become ${pods(a)}, with new volume claims): Argo CD prunes the old workloads and starts new ones on new, empty volumes`,
      `Keep kafka.name: ${b.kafkaName}. Other object names need ${newCluster}.`,
    );
  }

  if (b.clusterId !== undefined && a.clusterId !== undefined && b.clusterId !== a.clusterId)
    warn(
      "cluster-id-changed",
      at("clusterId"),
      `CLUSTER_ID changes from ${b.clusterId} to ${a.clusterId}: every node refuses to start on its existing volume, which records the old id`,
      `To keep the data, set environments.${env}.clusterId: ${b.clusterId} in kafka-gitops.yaml (the derived id follows kafka.name and the environment name). Change it only for a brand-new cluster on empty volumes.`,
    );

  const topologyChanged = b.topology !== undefined && a.topology !== undefined && b.topology !== a.topology;
  if (topologyChanged)
    warn(
      "topology-changed",
      at("topology"),
      `topology changes from ${b.topology} to ${a.topology}: the KRaft quorum ${a.topology === "dedicated" ? "moves to new controller-only nodes with empty volumes" : "moves onto the brokers"} and node ids shift, which a running cluster cannot follow`,
      `Keep topology: ${b.topology} for ${env}. Another topology needs ${newCluster}.`,
    );

  const votersChanged = b.voterIds !== undefined && a.voterIds !== undefined && b.voterIds.join(",") !== a.voterIds.join(",");
  if (votersChanged)
    warn(
      "voters-changed",
      at("controllers"),
      `KRaft voters change from ${nodesText(b.voterIds!)} to ${nodesText(a.voterIds!)}: controller.quorum.voters is fixed for the life of a cluster, and nodes started with the old quorum cannot form the new one`,
      `Keep controllers: ${b.voterIds!.length} for ${env}. A different quorum size needs ${newCluster}; kafka-gitops generates a static quorum only.`,
    );

  // Per node, matched by pod name: another node.id on the same pod, or another claim for the same node.id
  // (a changed name, topology or quorum moves nodes anyway, and has its own warning).
  if (b.nodes && a.nodes && !namesChanged && !topologyChanged && !votersChanged) {
    const byPod = new Map(b.nodes.map((n) => [n.pod, n]));
    const moved = a.nodes.filter((n) => byPod.has(n.pod) && byPod.get(n.pod)!.id !== n.id);
    if (moved.length)
      warn(
        "node-ids-changed",
        at(),
        `node ids change (${moved.map((n) => `pod ${n.pod}: node ${byPod.get(n.pod)!.id} -> ${n.id}`).join(", ")}): a node's volume records its node.id, so it refuses to start`,
        `Keep every pod's node.id: restore the generated files of ${env} (\`npm run scaffold\` rewrites them from the config).`,
      );
    const byId = new Map(b.nodes.map((n) => [n.id, n]));
    const reclaimed = a.nodes.filter((n) => byId.has(n.id) && byId.get(n.id)!.claim !== n.claim);
    if (reclaimed.length)
      warn(
        "claims-changed",
        at("storage"),
        `data volume claims change (${reclaimed.map((n) => `node ${n.id}: ${byId.get(n.id)!.claim} -> ${n.claim}`).join(", ")}): those nodes start on new, empty volumes and the old claims are left behind`,
        `Keep the claim names (data-<pod>, the same under both workloads): restore the generated files of ${env}.`,
      );
    // A zonal volume cannot follow its node to another zone: the pod would stay Pending next to its data.
    const rezoned = a.nodes.filter((n) => byId.has(n.id) && n.zone !== undefined && byId.get(n.id)!.zone !== undefined && byId.get(n.id)!.zone !== n.zone);
    if (rezoned.length)
      warn(
        "zone-changed",
        at("rack", "zones"),
        `nodes move to another zone (${rezoned.map((n) => `node ${n.id}: ${byId.get(n.id)!.zone} -> ${n.zone}`).join(", ")}): a volume is zonal, so each pod stays Pending until its claim is replaced by an empty one in the new zone`,
        `Keep the existing order of rack.zones and the same topologyKey (node i runs in zones[i mod n]: appending a zone moves no node whose index is below the old number of zones). To move broker-only nodes anyway (never a KRaft voter: an empty metadata log is unsafe in a static quorum), merge with the flag below, then one node at a time delete its PVC and pod (\`kubectl -n ${ns} delete pvc data-<pod> --wait=false && kubectl -n ${ns} delete pod -l ${labels.nodeId}=<id>\`; Argo CD recreates the claim, empty, in the new zone) and wait until none of its partitions is under-replicated before the next.`,
      );
    const pinned = a.nodes.filter((n) => byId.has(n.id) && byId.get(n.id)!.zone === undefined && n.zone !== undefined);
    if (pinned.length)
      warn(
        "zone-pinned",
        at("rack"),
        `running nodes get pinned to zones (${pinned.map((n) => `node ${n.id}: ${n.zone}`).join(", ")}): a node whose volume lives in another zone stays Pending`,
        `Before merging, check each node's zone (\`kubectl get pv -o custom-columns=CLAIM:.spec.claimRef.name,ZONE:.spec.nodeAffinity.required.nodeSelectorTerms[*].matchExpressions[*].values\`) and order rack.zones so that node i's zone is zones[i mod n].`,
      );
  }

  if (b.brokers !== undefined && a.brokers !== undefined && a.brokers < b.brokers) {
    const removed = b.brokers - a.brokers;
    const factor = (s: State) => Number(s.settings?.["default.replication.factor"] ?? NaN);
    const rfDrop =
      factor(a) < factor(b)
        ? `; the default replication factor drops from ${factor(b)} to ${factor(a)}, existing topics keep theirs and stay under-replicated`
        : "";
    warn(
      "brokers-decreased",
      at("brokers"),
      `brokers decrease from ${b.brokers} to ${a.brokers}: ${removed === 1 ? "the broker with the highest node id stops, and its partition replicas go offline" : `the ${removed} brokers with the highest node ids stop, and their partition replicas go offline`}${rfDrop}`,
      `Before merging, move all partitions off the departing brokers (\`kafka-reassign-partitions.sh\` with a plan that excludes them) and check that no topic's replication factor exceeds ${a.brokers}. After the scale-down, unregister them (\`kafka-cluster.sh unregister --id <node.id>\`). Their volumes are kept; delete the PVCs once the data is no longer needed.`,
    );
  }

  const volumes: Array<[Volume | undefined, Volume | undefined, string, string[]]> = [
    [b.storage, a.storage, "storage per broker", ["storage"]],
    // A topology change has its own warning; controller volumes are compared within one topology only.
    ...(topologyChanged
      ? []
      : [
          [b.controllerNodes?.storage, a.controllerNodes?.storage, "storage per controller-only node", ["controllerNodes", "storage"]] as [
            Volume | undefined,
            Volume | undefined,
            string,
            string[],
          ],
        ]),
  ];
  for (const [bs, as, what, key] of volumes) {
    if (!bs || !as) continue;
    const keyText = key.join(".");
    if (isQuantity(bs.size) && isQuantity(as.size)) {
      const before = parseQuantity(bs.size);
      const after = parseQuantity(as.size);
      if (after < before)
        warn(
          "storage-shrunk",
          at(...key, "size"),
          `${what} decreases from ${bs.size} to ${as.size}: a PersistentVolumeClaim can never shrink, so the sync fails`,
          `Keep ${keyText}.size at ${bs.size}. Smaller volumes need a new environment and a data migration.`,
        );
      else if (after > before && a.workload === "statefulset" && b.workload === "statefulset")
        warn(
          "storage-grown-statefulset",
          at(...key, "size"),
          `${what} grows from ${bs.size} to ${as.size}, but a StatefulSet's volumeClaimTemplates cannot change: Argo CD's sync fails until the StatefulSets are recreated`,
          `Expand each claim by hand first (\`kubectl -n ${ns} patch pvc data-<pod> -p '{"spec":{"resources":{"requests":{"storage":"${as.size}"}}}}'\`; the StorageClass needs allowVolumeExpansion), then \`kubectl -n ${ns} delete statefulset -l app.kubernetes.io/name=kafka --cascade=orphan\` and sync: the pods and volumes stay.`,
        );
    }
    if (bs.storageClass !== as.storageClass)
      warn(
        "storage-class-changed",
        at(...key, "storageClass"),
        `StorageClass of the ${what.replace("storage per ", "")} volumes changes from ${bs.storageClass ?? "the cluster default"} to ${as.storageClass ?? "the cluster default"}: existing volumes cannot move to another class, so the sync fails or new nodes land on a different class`,
        `Keep ${keyText}.storageClass ${bs.storageClass === undefined ? "unset" : `at ${bs.storageClass}`}. Another class needs a new environment and a data migration.`,
      );
  }

  const oldDeployments = b.nodes?.length ?? 0;
  if (b.workload === "deployment-per-broker" && a.workload === "statefulset" && oldDeployments >= 2)
    warn(
      "workload-switch-waits",
      at("workload"),
      `workload switches from deployment-per-broker to statefulset with ${oldDeployments} per-node Deployments: Argo CD prunes them one wave at a time in reverse order (gitops-engine mirrors the prune waves), while the StatefulSet's wave waits for all of its pods, whose volumes the not-yet-pruned Deployments still hold; the sync stops there`,
      `Merge in a maintenance window. When Argo CD's sync of ${env} waits at the StatefulSet's wave, delete the old Deployments by hand (\`kubectl -n ${ns} delete deployment -l ${labels.instance}=${b.kafkaName ?? a.kafkaName} --cascade=foreground\`; their volumes stay and the StatefulSet's pods take them over), and the sync goes on.`,
    );
  else if (b.workload !== undefined && a.workload !== undefined && b.workload !== a.workload)
    warn(
      "workload-switched",
      at("workload"),
      `workload switches from ${b.workload} to ${a.workload}: every broker restarts at once (the old pods must release their volumes first), a short outage; node ids, CLUSTER_ID and volumes are kept`,
      `Merge in a maintenance window and tell the clients. After a switch back to statefulset, Argo CD may list the volume claims as requiring pruning: never prune them.`,
    );

  for (const user of (b.users ?? []).filter((u) => a.users !== undefined && !a.users.includes(u)))
    out.push({
      environment: env,
      subject: user,
      kind: "user-removed",
      path: at("security", "users"),
      message: `${env}: user ${user} is no longer listed: its credential would stay in Kafka (removing it from the config never deletes it)`,
      advice: `Check that no client of ${env} still authenticates as ${user}; --allow-remove-user ${user} makes the users Job delete its SCRAM credential (an mTLS user's certificate stays valid until it expires).`,
    });

  if (b.settings && a.settings) {
    const before = listenerSecurity(b.settings);
    const after = listenerSecurity(a.settings);
    const what = (s: ListenerSecurity) => (s.secured ? `clients ${s.client}, internal ${s.internal}` : "PLAINTEXT everywhere");
    if (!before.secured && after.secured && after.internal === "PLAINTEXT")
      warn(
        "security-enabled",
        at("security"),
        "security is turned on: clients move to TLS on port 9094 and every node restarts once, one at a time (the inter-broker and quorum traffic stays on its PLAINTEXT listeners)",
        `Keep security.transition: true until every client of ${env} uses port 9094 (9092 stays open meanwhile), then set it to false and keep internal: plaintext written out: that step only closes 9092 in the NetworkPolicy, no roll.`,
      );
    else if (before.secured !== after.secured || (before.secured && (before.client !== after.client || before.internal !== after.internal)))
      warn(
        "security-changed",
        at("security"),
        `listener security changes on a running cluster (${what(before)} -> ${what(after)}): ${
          !after.secured
            ? "every client that authenticates is cut off and everyone may read and write every topic"
            : before.internal !== after.internal
              ? "the quorum and inter-broker listeners switch protocol in one roll, so rolled and not-yet-rolled nodes cannot talk to each other"
              : "every client must change its configuration at the moment the brokers roll"
        }`,
        !before.secured
          ? `Turn security on for a running cluster with security.internal: plaintext and security.transition: true first; internal TLS is for new environments (moving a running quorum to TLS is not automated).`
          : after.secured && before.internal !== after.internal
            ? `Keep security.internal: ${before.internal === "PLAINTEXT" ? "plaintext" : "tls"} for ${env} (write it explicitly: without transition the default is tls).`
            : `Only for a cluster with no clients yet, or in a maintenance window with every client reconfigured at once.`,
      );
  }

  const bv = versionOf(b.image);
  const av = versionOf(a.image);
  if (bv && av && compareVersions(av, bv) < 0)
    warn(
      "image-downgraded",
      at("image"),
      `image downgrades from ${b.image} to ${a.image}: Kafka can only run an older release while the finalized metadata.version is one that release knows`,
      `Check \`kafka-features.sh --bootstrap-server <bootstrap> describe\` in ${ns} first; if metadata.version was raised after the upgrade, keep ${b.image}. Try a downgrade in a non-production environment first.`,
    );

  if (b.settings && a.settings) {
    const bootstrap = `${objectNames(a.kafkaName ?? "kafka").bootstrap}.${ns}.svc:${ports.client.port}`;
    const brokerIds = a.nodes?.filter((n) => n.roles.includes("broker")).map((n) => n.id);
    const before = { name: env, settings: b.settings, ...(b.brokers !== undefined && { brokers: b.brokers }) };
    const after = { name: env, settings: a.settings, ...(a.brokers !== undefined && { brokers: a.brokers }), ...(brokerIds && { brokerIds }) };
    // Kafka's tools run inside a broker pod: the bootstrap address resolves only in the cluster.
    const pod = a.nodes?.find((n) => n.roles.includes("broker"))?.pod;
    const exec = pod !== undefined ? `kubectl -n ${ns} exec -i ${a.workload === "statefulset" ? pod : `deploy/${pod}`} --` : undefined;
    // "brokers-added" is a note (NOTE_KINDS): growing is the safe change, the note says how to move partitions.
    for (const r of durabilityRisks(before, after, bootstrap, { ...opts, ...(exec !== undefined && { exec }) }))
      warn(r.kind, at("brokers"), r.message, r.advice);
  }

  if (b.sync && a.sync) out.push(...syncRisks(env, b.sync, a.sync));
  return out;
}

type SyncFlag = "automated" | "prune" | "selfHeal";

const SYNC_OFF: Record<SyncFlag, string> = {
  automated: "automated sync off: merged commits wait for a manual sync, so Git no longer says what runs",
  prune: "prune off: objects removed from Git keep running (e.g. a removed broker's Deployment)",
  selfHeal: "selfHeal off: changes made by hand in the cluster stay",
};
const SYNC_ON: Record<SyncFlag, string> = {
  automated: "automated sync on: the next commit applies everything merged while syncs were manual",
  prune: "prune on: the next sync deletes every object Argo CD tracks that is no longer in Git",
  selfHeal: "selfHeal on: the next sync reverts every change made by hand in the cluster",
};
const FLAGS: SyncFlag[] = ["automated", "prune", "selfHeal"];

/**
 * "Loosened" = Git stops being the whole truth about the cluster: automated,
 * prune or selfHeal turned off. Turning one on is not loosening, but its first
 * sync acts on all drift accumulated meanwhile, so it is warned about too.
 */
function syncRisks(env: string, b: SyncState, a: SyncState): Warning[] {
  const out: Warning[] = [];
  // prune and selfHeal are options of automated sync: when automated itself flips, that is the change to name.
  const flags = b.automated !== a.automated ? FLAGS.slice(0, 1) : FLAGS;
  const off = flags.filter((f) => b[f] && !a[f]);
  const on = flags.filter((f) => !b[f] && a[f]);
  if (off.length)
    out.push({
      environment: env,
      kind: "sync-loosened",
      path: ["environments", env, "sync"],
      message: `${env}: Argo CD sync policy loosened: ${off.map((f) => SYNC_OFF[f]).join("; ")}`,
      advice: `Keep it only as long as needed (e.g. during an incident), and note in the pull request when it will be turned back on.`,
    });
  if (on.length)
    out.push({
      environment: env,
      kind: "sync-enabled",
      path: ["environments", env, "sync"],
      message: `${env}: Argo CD sync policy tightened: ${on.map((f) => SYNC_ON[f]).join("; ")}`,
      advice: `Before merging, open the Application in Argo CD and check its diff and the resources marked "requires pruning": make sure nothing there should survive.`,
    });
  return out;
}

interface ListenerSecurity {
  secured: boolean;
  client?: string;
  internal?: string;
}

/** What the committed or new settings say about the listeners: the clients' protocol (and client auth) and the inter-broker one. */
function listenerSecurity(settings: Record<string, string>): ListenerSecurity {
  const map = Object.fromEntries((settings["listener.security.protocol.map"] ?? "").split(",").map((e) => e.split(":") as [string, string]));
  if (map["CLIENT"] === undefined) return { secured: false };
  const auth = settings["listener.name.client.ssl.client.auth"] === "required" ? "+mtls" : "";
  return { secured: true, client: `${map["CLIENT"]}${auth}`, internal: map[settings["inter.broker.listener.name"] ?? ""] ?? "?" };
}
