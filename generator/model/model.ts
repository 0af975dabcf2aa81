// model: a resolved Config -> everything the renderers need, computed once.
// Quorum layout, node ids, host names and Kafka settings are decided here, so
// renderers only place them into files.
import type { Config, Environment, Workload } from "../config/schema.js";
import { splitImage } from "../config/schema.js";
import { listenerNames, LOG_DIR, objectNames, ports } from "../layout.js";
import { clusterIdFor } from "./cluster-id.js";
import { type SecurityModel, securityModel } from "./security.js";

export type Role = "broker" | "controller";

/** A set of nodes with the same roles: one StatefulSet, or one Deployment each. */
export interface NodeGroup {
  /**
   * combined: the first `controllers` nodes, broker+controller voters (topology combined).
   * controller: controller-only voters (topology dedicated). broker: broker-only nodes after the voters.
   */
  kind: "combined" | "controller" | "broker";
  /** StatefulSet name and pod name prefix. */
  name: string;
  roles: Role[];
  /** node.id of the group's first node; StatefulSet ordinals start here so pod ordinal == node.id. */
  firstId: number;
  count: number;
}

export type Settings = Record<string, string>;

/** Which folder under base/ an environment builds on. */
export type BaseVariant = "statefulset" | "statefulset-dedicated" | "deployment-per-broker";

export interface EnvironmentModel {
  env: Environment;
  base: BaseVariant;
  clusterId: string;
  groups: NodeGroup[];
  /** controller.quorum.voters: identical on every node, fixed for the life of the cluster. */
  voters: string;
  /** Effective server.properties of the environment (shared by all its nodes), before the per-role keys. */
  settings: Settings;
  image: ImageRef;
  /** TLS, authentication and authorization (environments.<env>.security); absent: PLAINTEXT. */
  security?: SecurityModel;
}

export interface ImageRef {
  name: string;
  tag?: string;
  digest?: string;
}

export interface Model {
  config: Config;
  kafkaName: string;
  names: ReturnType<typeof objectNames>;
  image: ImageRef;
  /** Settings every environment shares: fixed listener layout plus kafka.config. */
  sharedSettings: Settings;
  /** Workloads in use, sorted. */
  workloads: Workload[];
  /** base/ folders in use, sorted. */
  bases: BaseVariant[];
  environments: EnvironmentModel[];
}

export function buildModel(config: Config): Model {
  const names = objectNames(config.kafka.name);
  const sharedSettings = { ...fixedSettings(), ...stringify(config.kafka.config) };
  const environments = config.environments.map((env) => environmentModel(config, env, names));
  return {
    config,
    kafkaName: config.kafka.name,
    names,
    image: splitImage(config.kafka.image),
    sharedSettings,
    workloads: [...new Set(config.environments.map((e) => e.workload))].sort(),
    bases: [...new Set(environments.map((e) => e.base))].sort(),
    environments,
  };
}

function fixedSettings(): Settings {
  return {
    "controller.listener.names": listenerNames.controller,
    "listener.security.protocol.map": `${listenerNames.client}:PLAINTEXT,${listenerNames.controller}:PLAINTEXT`,
    "inter.broker.listener.name": listenerNames.client,
    "log.dirs": LOG_DIR,
    // Where the KRaft metadata log lives is decided here, not by the first entry of log.dirs: the probes read it.
    "metadata.log.dir": LOG_DIR,
    // Topics are created on purpose (IaC or the admin tools), never by a typo in a producer.
    "auto.create.topics.enable": "false",
  };
}

function environmentModel(config: Config, env: Environment, names: Model["names"]): EnvironmentModel {
  const groups = nodeGroups(env, names);
  const voterGroups = groups.filter((g) => g.roles.includes("controller"));
  const voters = voterGroups.flatMap((g) => nodeIds(g).map((id) => `${id}@${nodeHost(env, names, g, id)}:${ports.controller.port}`)).join(",");
  const security = securityModel(env, names);
  return {
    env,
    base: env.workload === "deployment-per-broker" ? "deployment-per-broker" : env.topology === "dedicated" ? "statefulset-dedicated" : "statefulset",
    clusterId: env.clusterId ?? clusterIdFor(config.kafka.name, env.name),
    groups,
    voters,
    // Security's keys come last: they are managed (config/kafka-rules.ts refuses them in `config`).
    settings: { ...replicationDefaults(env.brokers), ...stringify(config.kafka.config), ...stringify(env.config), ...security?.settings },
    image: splitImage(env.image),
    ...(security !== undefined && { security }),
  };
}

/**
 * Voters first, so node ids 0..controllers-1 are the quorum in both topologies
 * and broker-only ids start after them; adding brokers only appends ids.
 */
export function nodeGroups(env: Environment, names: Model["names"]): NodeGroup[] {
  if (env.topology === "dedicated")
    return [
      { kind: "controller", name: names.controller, roles: ["controller"], firstId: 0, count: env.controllers },
      { kind: "broker", name: names.broker, roles: ["broker"], firstId: env.controllers, count: env.brokers },
    ];
  return [
    { kind: "combined", name: names.combined, roles: ["broker", "controller"], firstId: 0, count: env.controllers },
    { kind: "broker", name: names.broker, roles: ["broker"], firstId: env.controllers, count: env.brokers - env.controllers },
  ];
}

export function nodeIds(group: NodeGroup): number[] {
  return Array.from({ length: group.count }, (_, i) => group.firstId + i);
}

/** Pod name of a node: the StatefulSet's `<name>-<ordinal>`, and the Deployment-per-broker variant uses the same names. */
export function podName(group: NodeGroup, id: number): string {
  return `${group.name}-${id}`;
}

/**
 * The zone a node is pinned to (rack.zones, deployment-per-broker): node i of its kind runs in zones[i mod n],
 * brokers in node-id order and controller-only nodes by their own index, so each kind spreads evenly.
 * Appending a zone moves no node whose index is below the old number of zones.
 */
export function nodeZone(env: Environment, group: NodeGroup, id: number): string | undefined {
  if (env.rack === undefined) return undefined;
  const index = group.kind === "controller" || env.topology !== "dedicated" ? id : id - env.controllers;
  return env.rack.zones[index % env.rack.zones.length];
}

/**
 * Stable DNS name of a node, namespace-qualified so clients in other namespaces
 * resolve advertised listeners too. `.svc` without the cluster domain works on
 * clusters whose domain is not cluster.local.
 */
export function nodeHost(env: Environment, names: Model["names"], group: NodeGroup, id: number): string {
  const pod = podName(group, id);
  return env.workload === "statefulset" ? `${pod}.${names.headless}.${env.namespace}.svc` : `${pod}.${env.namespace}.svc`;
}

/**
 * Replication settings that work for the environment's size: with one broker
 * every internal topic must have factor 1 or it is never created; from three
 * brokers on, factor 3 with min ISR 2 survives one broker down without losing acks=all writes.
 */
export function replicationDefaults(brokers: number): Settings {
  const factor = Math.min(brokers, 3);
  const minIsr = factor >= 3 ? 2 : 1;
  return {
    "default.replication.factor": String(factor),
    "min.insync.replicas": String(minIsr),
    "offsets.topic.replication.factor": String(factor),
    "transaction.state.log.replication.factor": String(factor),
    "transaction.state.log.min.isr": String(minIsr),
    "share.coordinator.state.topic.replication.factor": String(factor),
    "share.coordinator.state.topic.min.isr": String(minIsr),
  };
}

function stringify(settings: Record<string, string | number | boolean>): Settings {
  return Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)]));
}
