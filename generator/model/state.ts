// model/state: the one typed description of a running environment that the
// guards and the review compare: its identity (names, place, CLUSTER_ID,
// quorum, nodes and their volumes) and what a reviewer reads (sizes, image,
// settings, sync policy). The new side of a comparison comes from the model
// (statesFromModel); the committed side is parsed from generated files into the
// same type (review/state.ts), and a round-trip test keeps the two equal.
import type { Workload } from "../config/schema.js";
import { argoNames, DATA_VOLUME, dirs } from "../layout.js";
import type { EnvironmentModel, Model, Role } from "./model.js";
import { nodeIds, nodeZone, podName } from "./model.js";

export interface Volume {
  size: string;
  storageClass?: string;
}

export interface Resources {
  requests: Record<string, string>;
  limits: Record<string, string>;
}

/** One Kafka node: its node.id, roles, pod name and the claim that holds its data. */
export interface NodeState {
  id: number;
  /** Sorted: "broker", "controller" or both. */
  roles: Role[];
  pod: string;
  claim: string;
  /** The zone it is pinned to (rack), as `<topologyKey>=<zone>`: its volume lives there. */
  zone?: string;
}

export interface SyncState {
  application: string;
  automated: boolean;
  /** Only meaningful with automated sync: false when automated is off. */
  prune: boolean;
  selfHeal: boolean;
  /** The Application carries Argo CD's resources finalizer: deleting it deletes everything it deployed. */
  cascadeDelete: boolean;
}

export interface EnvironmentState {
  name: string;
  /** clusters/<cluster>/ folder of its Argo CD Application. */
  cluster: string;
  /** Argo CD destination server, as written (compare with sameServer). */
  server: string;
  namespace: string;
  /** kafka.name: the prefix of every object name (app.kubernetes.io/instance). */
  kafkaName: string;
  workload: Workload;
  topology: "combined" | "dedicated";
  /** The base/ folders the overlay builds on: a change elsewhere in base/ cannot touch it. */
  inputs: string[];
  clusterId: string;
  /** controller.quorum.voters as written (host names follow the workload and namespace). */
  voters: string;
  /** node.id of each KRaft voter, in the order of `voters`: the voter set proper. */
  voterIds: number[];
  /** Every Kafka node in node.id order, controller-only ones included. */
  nodes: NodeState[];
  /** Nodes with the broker role. */
  brokers: number;
  /** Effective image reference, e.g. apache/kafka:4.3.1. */
  image: string;
  /** Data volume, resources and heap of each broker-role node. */
  storage: Volume;
  resources: Resources;
  heap: string;
  /** The same for controller-only nodes (topology dedicated only). */
  controllerNodes?: { storage: Volume; resources: Resources; heap: string };
  /** Effective server.properties (base/common and the overlay), without CLUSTER_ID and the voters. */
  settings: Record<string, string>;
  /** With `security`: the principals that exist (SCRAM users of the users Job, or mTLS users' certificates), sorted. */
  users?: string[];
  sync: SyncState;
}

/** What a parse of files may yield: every field but the name can be missing from an old or hand-edited tree. */
export type PartialEnvironmentState = Pick<EnvironmentState, "name"> & Partial<EnvironmentState>;

export type EnvironmentStates = ReadonlyMap<string, PartialEnvironmentState>;

const volume = (v: { size: string; storageClass?: string | undefined }): Volume => ({
  size: v.size,
  ...(v.storageClass !== undefined && { storageClass: v.storageClass }),
});

const resources = (r: { requests: Record<string, string>; limits: Record<string, string | undefined> }): Resources => ({
  requests: { ...r.requests },
  limits: Object.fromEntries(Object.entries(r.limits).filter((e): e is [string, string] => e[1] !== undefined)),
});

const sortedRecord = (r: Record<string, string>) =>
  Object.fromEntries(
    Object.keys(r)
      .sort()
      .map((k) => [k, r[k]!]),
  );

/** How a node's zone is written in its state: the label and its value, so a new topologyKey is a move too. */
export const zoneText = (key: string, value: string): string => `${key}=${value}`;

/** The claim a node's data lives on: `data-<pod>`, the same name under both workloads. */
export const claimOf = (pod: string): string => `${DATA_VOLUME}-${pod}`;

export function imageText(ref: { name: string; tag?: string; digest?: string }): string {
  return ref.digest !== undefined ? `${ref.name}@${ref.digest}` : ref.tag !== undefined ? `${ref.name}:${ref.tag}` : ref.name;
}

export function environmentStateOf(model: Model, em: EnvironmentModel): EnvironmentState {
  const { env } = em;
  const nodes = em.groups
    .flatMap((g) =>
      nodeIds(g).map((id): NodeState => {
        const zone = nodeZone(env, g, id);
        return {
          id,
          roles: [...g.roles].sort(),
          pod: podName(g, id),
          claim: claimOf(podName(g, id)),
          ...(zone !== undefined && env.rack !== undefined && { zone: zoneText(env.rack.topologyKey, zone) }),
        };
      }),
    )
    .sort((a, b) => a.id - b.id);
  const voterIds = em.groups.filter((g) => g.roles.includes("controller")).flatMap(nodeIds);
  const { automated, prune, selfHeal } = env.sync;
  return {
    name: env.name,
    cluster: env.cluster,
    server: env.server,
    namespace: env.namespace,
    kafkaName: model.kafkaName,
    workload: env.workload,
    topology: env.topology,
    inputs: [...new Set([dirs.workload(em.base), dirs.common, dirs.image, ...(em.security !== undefined ? [dirs.security] : [])])].sort(),
    clusterId: em.clusterId,
    voters: em.voters,
    voterIds,
    nodes,
    brokers: env.brokers,
    image: imageText(em.image),
    storage: volume(env.storage),
    resources: resources(env.resources),
    heap: env.heap,
    ...(env.topology === "dedicated" && {
      controllerNodes: { storage: volume(env.controllerNodes.storage), resources: resources(env.controllerNodes.resources), heap: env.controllerNodes.heap },
    }),
    settings: sortedRecord({ ...model.sharedSettings, ...em.settings }),
    ...(em.security !== undefined && { users: em.security.users.map((u) => u.name).sort() }),
    sync: {
      application: argoNames(model.kafkaName, model.config.argocd.project).application(env.name),
      automated,
      prune: automated && prune,
      selfHeal: automated && selfHeal,
      cascadeDelete: false,
    },
  };
}

/** Every environment of the model, by name (in name order). */
export function statesFromModel(model: Model): Map<string, EnvironmentState> {
  return new Map(model.environments.map((em) => [em.env.name, environmentStateOf(model, em)]));
}
