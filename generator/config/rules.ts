// Rules that need more than one key at a time. They run on resolved
// environments, so derived defaults (controllers, heap, namespace) are checked too.
import type { Problem } from "../errors.js";
import { parseJvmSize, parseQuantity } from "../quantity.js";
import type { Config, Environment } from "./schema.js";

export function environmentProblems(env: Environment): Problem[] {
  const at = (...path: Array<string | number>) => ["environments", env.name, ...path];
  const problems: Problem[] = [];
  if (env.controllers > env.brokers)
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
  if (env.namespace.length > 63)
    problems.push({ path: at("namespace"), message: `"${env.namespace}" is longer than 63 characters; set a shorter namespace` });
  const limit = parseQuantity(env.resources.limits.memory);
  const request = parseQuantity(env.resources.requests.memory);
  if (request > limit)
    problems.push({
      path: at("resources", "requests", "memory"),
      message: `${env.resources.requests.memory} is more than the memory limit ${env.resources.limits.memory}; raise resources.limits.memory`,
    });
  if (parseJvmSize(env.heap) >= limit)
    problems.push({
      path: at("heap"),
      message: `heap ${env.heap} does not fit in the memory limit ${env.resources.limits.memory}; the JVM needs room beside the heap and Kafka needs page cache: lower heap or raise resources.limits.memory`,
    });
  return problems;
}

export function configProblems(config: Config): Problem[] {
  const problems = config.environments.flatMap(environmentProblems);
  const seen = new Map<string, string>();
  for (const env of config.environments) {
    const key = `${env.server} ${env.namespace}`;
    const other = seen.get(key);
    if (other)
      problems.push({
        path: ["environments", env.name, "namespace"],
        message: `environment ${other} already runs in namespace ${env.namespace} on ${env.server}; two Kafka clusters in one namespace would share object names: choose another namespace`,
      });
    else seen.set(key, env.name);
  }
  return problems;
}
