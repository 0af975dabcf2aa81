// Rules about Kafka settings that need the whole environment: value types,
// replication factors against the broker count, message size limits.
import type { ConfigPath, Problem } from "../errors.js";
import { replicationDefaults } from "../model/model.js";
import type { Config, Environment } from "./schema.js";

type Value = string | number | boolean;

/** Kafka's own defaults for the keys the rules compare, used when nobody set them. */
const KAFKA_DEFAULTS: Record<string, number> = {
  "message.max.bytes": 1048588,
  "replica.fetch.max.bytes": 1048576,
};

const INTEGER_SUFFIXES: Array<[RegExp, string]> = [
  [/\.ms$/, "a whole number of milliseconds"],
  [/\.bytes$/, "a whole number of bytes"],
  [/(\.replication\.factor|\.isr|^min\.insync\.replicas)$/, "a whole number"],
  [/^num\./, "a whole number"],
];

function typeProblem(key: string, value: Value): string | undefined {
  if (/\.enable$/.test(key)) {
    if (typeof value === "boolean" || value === "true" || value === "false") return undefined;
    return `must be true or false, got ${JSON.stringify(value)}`;
  }
  for (const [pattern, what] of INTEGER_SUFFIXES) {
    if (!pattern.test(key)) continue;
    const ok = typeof value === "number" ? Number.isInteger(value) : /^-?\d+$/.test(String(value));
    return ok ? undefined : `must be ${what}, got ${JSON.stringify(value)}`;
  }
  return undefined;
}

export function settingTypeProblems(config: Config): Problem[] {
  const problems: Problem[] = [];
  const check = (settings: Record<string, Value>, path: ConfigPath) => {
    for (const [key, value] of Object.entries(settings)) {
      const problem = typeProblem(key, value);
      if (problem) problems.push({ path: [...path, key], message: problem });
    }
  };
  check(config.kafka.config, ["kafka", "config"]);
  for (const env of config.environments) check(env.config, ["environments", env.name, "config"]);
  return problems;
}

/** Where a setting of an environment comes from, so a problem names the line to change. */
function sourceOf(config: Config, env: Environment, key: string): ConfigPath {
  if (key in env.config) return ["environments", env.name, "config", key];
  if (key in config.kafka.config) return ["kafka", "config", key];
  return ["environments", env.name, "brokers"];
}

const FACTOR_AND_MIN: Array<[string, string | undefined]> = [
  ["default.replication.factor", "min.insync.replicas"],
  ["offsets.topic.replication.factor", undefined],
  ["transaction.state.log.replication.factor", "transaction.state.log.min.isr"],
  ["share.coordinator.state.topic.replication.factor", "share.coordinator.state.topic.min.isr"],
];

export function replicationProblems(config: Config, env: Environment): Problem[] {
  const effective: Record<string, Value> = { ...replicationDefaults(env.brokers), ...config.kafka.config, ...env.config };
  const num = (key: string) => Number(effective[key]);
  const problems: Problem[] = [];
  for (const [factorKey, minKey] of FACTOR_AND_MIN) {
    const factor = num(factorKey);
    if (factor > env.brokers)
      problems.push({
        path: sourceOf(config, env, factorKey),
        message: `${factorKey}=${factor} in environment ${env.name} needs at least ${factor} brokers, it has ${env.brokers}; lower it to ${env.brokers} or add brokers (topics could never be created)`,
      });
    if (minKey && num(minKey) > factor)
      problems.push({
        path: sourceOf(config, env, minKey),
        message: `${minKey}=${num(minKey)} in environment ${env.name} is above ${factorKey}=${factor}; acks=all writes would always fail: lower it to at most ${factor}`,
      });
  }
  const messageKeys = ["message.max.bytes", "replica.fetch.max.bytes"];
  if (messageKeys.some((k) => k in effective)) {
    const message = Number(effective["message.max.bytes"] ?? KAFKA_DEFAULTS["message.max.bytes"]);
    const fetch = Number(effective["replica.fetch.max.bytes"] ?? KAFKA_DEFAULTS["replica.fetch.max.bytes"]);
    if (message > fetch)
      problems.push({
        path: sourceOf(config, env, "message.max.bytes" in effective ? "message.max.bytes" : "replica.fetch.max.bytes"),
        message: `message.max.bytes=${message} in environment ${env.name} is above replica.fetch.max.bytes=${fetch}; followers could not copy the largest messages: set replica.fetch.max.bytes to at least ${message}`,
      });
  }
  return problems;
}
