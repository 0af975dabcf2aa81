// Rules that need more than one key at a time. They run on resolved
// environments, so derived defaults (controllers, heap, namespace) are checked too.
import type { ConfigPath, Problem } from "../errors.js";
import { parseJvmSize, parseQuantity } from "../quantity.js";
import { replicationProblems } from "./kafka-rules.js";
import type { Config, Environment, NodeSizing } from "./schema.js";
import { normalizeServer } from "../server-url.js";

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
/** Kafka's docs keep the heap at about 6 GiB: larger heaps mean long GC pauses and less page cache. */
const MAX_SENSIBLE_HEAP = 6 * GiB;
/** Below this much memory outside the heap, reads miss the page cache and hit the disk. */
const MIN_PAGE_CACHE = GiB;
/** The smallest heap a Kafka node starts and serves with (its request buffers, the metadata image, the log cleaner's buffer). */
const MIN_HEAP = 256 * MiB;
/**
 * What the JVM needs beside the heap whatever the load: metaspace (~60-100 MiB
 * for Kafka's classes), the JIT's code cache, a stack per thread (about a hundred
 * threads) and the direct buffers of the network layer. Less, and the container
 * is OOM-killed although the heap is fine.
 */
const MIN_NON_HEAP = 256 * MiB;
const MIN_MEMORY = MIN_HEAP + MIN_NON_HEAP;

const mib = (bytes: number) => `${Math.floor(bytes / MiB)}Mi`;

function sizingProblems(s: NodeSizing, at: (...p: string[]) => ConfigPath): Problem[] {
  const problems: Problem[] = [];
  const limit = parseQuantity(s.resources.limits.memory);
  const heap = parseJvmSize(s.heap);
  if (parseQuantity(s.resources.requests.memory) > limit)
    problems.push({
      path: at("resources", "requests", "memory"),
      message: `${s.resources.requests.memory} is more than the memory limit ${s.resources.limits.memory}; raise resources.limits.memory (Kubernetes refuses a request above its limit)`,
    });
  const { cpu: cpuLimit } = s.resources.limits;
  if (cpuLimit !== undefined && parseQuantity(s.resources.requests.cpu) > parseQuantity(cpuLimit))
    problems.push({
      path: at("resources", "requests", "cpu"),
      message: `${s.resources.requests.cpu} is more than the CPU limit ${cpuLimit}; lower the request or raise resources.limits.cpu (Kubernetes refuses a request above its limit)`,
    });
  if (limit < MIN_MEMORY)
    problems.push({
      path: at("resources", "limits", "memory"),
      message: `${s.resources.limits.memory} is below ${mib(MIN_MEMORY)}, the least a Kafka node runs in: a ${mib(MIN_HEAP)} heap plus ${mib(MIN_NON_HEAP)} beside it for metaspace, thread stacks and network buffers; raise it (it defaults to resources.requests.memory)`,
    });
  else if (heap < MIN_HEAP)
    problems.push({
      path: at("heap"),
      message: `heap ${s.heap} is below ${MIN_HEAP / MiB}m, the least a Kafka node serves with; raise heap to at least ${MIN_HEAP / MiB}m`,
    });
  else if (heap + MIN_NON_HEAP > limit)
    problems.push({
      path: at("heap"),
      message: `heap ${s.heap} does not fit in the memory limit ${s.resources.limits.memory} with the ${mib(MIN_NON_HEAP)} the JVM needs beside it (metaspace, thread stacks, network buffers); lower heap to at most ${Math.floor((limit - MIN_NON_HEAP) / MiB)}m or raise resources.limits.memory`,
    });
  return problems;
}

/** `servesData`: brokers read from the page cache; controller-only nodes hold the metadata log only. */
function sizingWarnings(s: NodeSizing, at: (...p: string[]) => ConfigPath, servesData: boolean): Problem[] {
  const heap = parseJvmSize(s.heap);
  const limit = parseQuantity(s.resources.limits.memory);
  const warnings: Problem[] = [];
  if (heap > MAX_SENSIBLE_HEAP)
    warnings.push({
      path: at("heap"),
      message: `heap ${s.heap} is above 6g: long GC pauses and less page cache; Kafka rarely needs more, give the memory to the page cache instead`,
    });
  if (servesData && heap < limit && limit - heap < MIN_PAGE_CACHE)
    warnings.push({
      path: at("resources", "limits", "memory"),
      message: `only ${Math.round((limit - heap) / 1024 ** 2)}Mi of the memory limit is left beside the ${s.heap} heap; Kafka reads from the page cache: leave at least 1Gi`,
    });
  return warnings;
}

/** rack pins each node to a zone, which only a workload with one object per node can do. */
function rackProblems(env: Environment, config: Config | undefined): Problem[] {
  if (env.rack === undefined) return [];
  const at = (...path: string[]) => ["environments", env.name, ...path];
  const problems: Problem[] = [];
  if (env.workload === "statefulset")
    problems.push({
      path: at("rack"),
      message:
        "needs workload: deployment-per-broker: a StatefulSet's pods share one template, so none can be pinned to its own zone, and reading the node's zone label at start would need a ClusterRole on nodes that the AppProject does not grant; set environments." +
        `${env.name}.workload: deployment-per-broker or remove rack`,
    });
  if (env.nodes !== undefined)
    problems.push({
      path: at("rack"),
      message:
        "cannot be combined with nodes: a pinned host already decides the zone, and the two could disagree; remove nodes (rack places each node in its zone) or remove rack",
    });
  const userRack = [
    ...(env.config["broker.rack"] !== undefined ? [at("config", "broker.rack")] : []),
    ...(config?.kafka.config["broker.rack"] !== undefined ? [["kafka", "config", "broker.rack"]] : []),
  ];
  for (const path of userRack) problems.push({ path, message: `is set per broker from environments.${env.name}.rack.zones (each broker's zone); remove it` });
  return problems;
}

export function environmentProblems(env: Environment, config?: Config): Problem[] {
  const at = (...path: Array<string | number>) => ["environments", env.name, ...path];
  const problems: Problem[] = [];
  if (env.topology === "dedicated" && env.controllers === 1)
    problems.push({
      path: at("controllers"),
      message: "a dedicated quorum of 1 controller dies with its node; use 3 or 5 controllers, or topology: combined",
    });
  if (env.topology === "combined" && env.controllers > env.brokers)
    problems.push({
      path: at("controllers"),
      message: `${env.controllers} controllers need at least ${env.controllers} brokers (the voters are combined broker+controller nodes); raise brokers to ${env.controllers} or lower controllers`,
    });
  if (env.nodes !== undefined && env.nodes.length !== env.brokers)
    problems.push({
      path: at("nodes"),
      message: `lists ${env.nodes.length} node${env.nodes.length === 1 ? "" : "s"} for ${env.brokers} broker${env.brokers === 1 ? "" : "s"}; give exactly one node per broker (broker i runs on nodes[i])`,
    });
  if (env.nodes !== undefined && new Set(env.nodes).size !== env.nodes.length)
    problems.push({ path: at("nodes"), message: "lists a node twice; two brokers on one node lose both on one node failure: give distinct nodes" });
  problems.push(...rackProblems(env, config));
  if (env.namespace.length > 63) problems.push({ path: at("namespace"), message: `"${env.namespace}" is longer than 63 characters; set a shorter namespace` });
  problems.push(...sizingProblems(env, (...p) => at(...p)));
  if (env.topology === "dedicated") problems.push(...sizingProblems(env.controllerNodes, (...p) => at("controllerNodes", ...p)));
  return problems;
}

/** Not errors: things a reviewer should know about before they reach production. */
export function configWarnings(config: Config): Problem[] {
  return config.environments.flatMap((env) => {
    const at = (...path: string[]) => ["environments", env.name, ...path];
    return [
      ...sizingWarnings(env, at, true),
      ...(env.topology === "dedicated" ? sizingWarnings(env.controllerNodes, (...p) => at("controllerNodes", ...p), false) : []),
    ];
  });
}

export function configProblems(config: Config): Problem[] {
  const problems = [...config.environments.flatMap((env) => [...environmentProblems(env, config), ...replicationProblems(config, env)])];
  // Two environments in one namespace would render objects with the same names into one place:
  // on one API server, or in one cluster folder (one Argo CD). One problem per environment.
  const taken = new Map<string, string>();
  for (const env of config.environments) {
    const places = [
      // The same API server however its URL is spelt (case, default port, trailing slash).
      { key: `server ${normalizeServer(env.server)} ${env.namespace}`, where: `on ${env.server}` },
      { key: `cluster ${env.cluster} ${env.namespace}`, where: `on cluster ${env.cluster}` },
    ];
    const clash = places.find((p) => taken.has(p.key));
    if (clash)
      problems.push({
        path: ["environments", env.name, "namespace"],
        message: `environment ${taken.get(clash.key)} already uses namespace ${env.namespace} ${clash.where}; two Kafka clusters in one namespace would share object names: choose another namespace`,
      });
    for (const p of places) if (!taken.has(p.key)) taken.set(p.key, env.name);
  }
  return problems;
}
