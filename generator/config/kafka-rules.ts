// Rules about Kafka settings: names and values against Kafka's own definitions
// of the environment's version, replication factors against the broker count,
// message size limits.
import type { ConfigPath, Problem } from "../errors.js";
import { brokerKeys, KEY_LINES, keyLineFor, type BrokerKeys, type KeySpec } from "../kafka/broker-keys.js";
import { isPluginKey, isRemovedKey, MANAGED_KEYS, PROPERTY_KEY, SECRET_KEY } from "../kafka-keys.js";
import { replicationDefaults } from "../model/model.js";
import { closest } from "./did-you-mean.js";
import { DEFAULT_IMAGE, type Config, type Environment } from "./schema.js";

type Value = string | number | boolean;

/** Kafka's own defaults for the keys the rules compare, used when nobody set them. */
const KAFKA_DEFAULTS: Record<string, number> = {
  "message.max.bytes": 1048588,
  "replica.fetch.max.bytes": 1048576,
};

const KEY_FILES = "generator/kafka/config-keys";

/** Plain data only: the raw YAML may hold anything, and these rules run whether or not the schema accepted it. */
function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function isValue(v: unknown): v is Value {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

/** Keys that `security` sets: TLS, SASL, the authorizer and every per-listener setting. */
function isSecurityKey(key: string): boolean {
  return /^(ssl\.|sasl\.|listener\.name\.|authorizer\.|super\.users$|allow\.everyone\.if\.no\.acl\.found$|principal\.builder\.class$)/.test(key);
}

/** Problems a key has whatever the Kafka version: managed by kafka-gitops, a credential, removed, not a property name. */
function keyProblem(key: string): string | undefined {
  const managed = MANAGED_KEYS.get(key);
  if (managed) return `is managed by kafka-gitops (${managed}); remove it`;
  if (SECRET_KEY.test(key)) return CREDENTIAL;
  if (isRemovedKey(key)) return "was removed in Kafka 4.0 (ZooKeeper-era setting); remove it";
  if (!PROPERTY_KEY.test(key)) return "is not a Kafka property name (lower-case words separated by single '.', '_' or '-')";
  return undefined;
}

/**
 * The apache/kafka image copies each KAFKA_* value into server.properties as it
 * is, and Java reads a backslash there as an escape: `\t` becomes a tab, `\u000a`
 * a newline, and a trailing `\` joins the next line, swallowing the next setting.
 */
const BACKSLASH =
  "contains a backslash, which server.properties reads as an escape (\\t, \\u000a) or, at the end, as joining the next line; write the value without one";

const CREDENTIAL = "holds a credential, and everything here is committed to Git in plain text; remove it (kafka-gitops never writes secrets into the tree)";

/** The environments that use one set of Kafka keys: a version line and whether the image's version was known. */
interface Target {
  keys: BrokerKeys;
  exact: boolean;
  /** Environment names and the image they run, for messages. */
  envs: Array<{ name: string; image: string }>;
}

function versionText(t: Target): string {
  const env = t.envs[0]!;
  const image = `${env.image}${t.envs.length > 1 ? ` (environments ${t.envs.map((e) => e.name).join(", ")})` : ` (environment ${env.name})`}`;
  return t.exact
    ? `Kafka ${t.keys.line}, the version of ${image}`
    : `Kafka ${t.keys.line}, the newest version kafka-gitops knows; ${image} has no version it has data for`;
}

/** Suggestions cost a scan of every key; past this many unknown keys the hint is left out so a huge config stays fast. */
const MAX_SUGGESTIONS = 50;

/**
 * Kafka settings checked against Kafka's own definitions for the version each
 * environment runs: names (managed, credential, removed, unknown with a
 * did-you-mean) and values (type, range, choices). Runs on the raw YAML data so
 * these problems are reported together with every schema problem.
 */
export function settingProblems(data: unknown): Problem[] {
  const root = record(data);
  const kafka = record(root["kafka"]);
  const sharedImage = typeof kafka["image"] === "string" ? kafka["image"] : DEFAULT_IMAGE;
  const targets = new Map<string, Target>();
  const targetOf = (image: string, name: string): Target => {
    const { line, exact } = keyLineFor(image);
    const id = `${line} ${exact}`;
    let t = targets.get(id);
    if (!t) targets.set(id, (t = { keys: brokerKeys(line), exact, envs: [] }));
    t.envs.push({ name, image });
    return t;
  };
  const envs = Object.entries(record(root["environments"])).map(([name, raw]) => {
    const env = record(raw);
    return { name, config: record(env["config"]), target: targetOf(typeof env["image"] === "string" ? env["image"] : sharedImage, name) };
  });
  // kafka.config reaches every environment; with none (or none valid) it is still checked, against the shared image.
  const sharedTargets =
    targets.size > 0
      ? [...targets.values()]
      : [{ keys: brokerKeys(keyLineFor(sharedImage).line), exact: keyLineFor(sharedImage).exact, envs: [{ name: "-", image: sharedImage }] }];

  const problems: Problem[] = [];
  let suggestions = 0;
  const check = (settings: Record<string, unknown>, path: ConfigPath, against: Target[]) => {
    for (const [key, value] of Object.entries(settings)) {
      const at = [...path, key];
      const fixed = keyProblem(key);
      if (fixed) {
        problems.push({ path: at, message: fixed });
        continue;
      }
      if (typeof value === "string" && value.includes("\\")) {
        problems.push({ path: at, message: BACKSLASH });
        continue;
      }
      if (isPluginKey(key)) continue;
      const seen = new Set<string>();
      for (const target of against) {
        const spec = target.keys.keys.get(key);
        let message: string | undefined;
        if (!spec) message = unknownKeyMessage(key, target, suggestions++ < MAX_SUGGESTIONS);
        else if (spec.type === "password") message = CREDENTIAL;
        else if (isValue(value)) message = valueProblem(key, value, spec, target);
        if (message && !seen.has(message)) {
          seen.add(message);
          problems.push({ path: at, message });
        }
        if (!spec) break; // one unknown-key message per key is enough
      }
    }
  };
  check(record(kafka["config"]), ["kafka", "config"], sharedTargets);
  for (const env of envs) check(env.config, ["environments", env.name, "config"], [env.target]);
  // With `security`, its keys are the generator's: a value in config would silently lose to them or break the listeners.
  const secured = Object.entries(record(root["environments"])).filter(([, raw]) => record(raw)["security"] !== undefined);
  if (secured.length > 0) {
    for (const key of Object.keys(record(kafka["config"])))
      if (isSecurityKey(key))
        problems.push({
          path: ["kafka", "config", key],
          message: `is managed by \`security\` in ${secured.map(([n]) => n).join(", ")}; remove it (or set it per environment without security)`,
        });
    for (const [name, raw] of secured)
      for (const key of Object.keys(record(record(raw)["config"])))
        if (isSecurityKey(key))
          problems.push({ path: ["environments", name, "config", key], message: "is managed by `security` (TLS, SASL and the authorizer); remove it" });
  }
  return problems;
}

function unknownKeyMessage(key: string, target: Target, suggest: boolean): string {
  // KEY_LINES is oldest first, so the lines after this one are the newer releases.
  const newer = KEY_LINES.slice(KEY_LINES.indexOf(target.keys.line as (typeof KEY_LINES)[number]) + 1).find((l) => brokerKeys(l).keys.has(key));
  if (newer) return `is not a broker setting of ${versionText(target)}; Kafka ${newer} added it: upgrade the image or remove it`;
  const close = suggest ? closest(key, target.keys.keys.keys(), 3) : undefined;
  return `is not a broker setting of ${versionText(target)}; ${close ? `did you mean "${close}"?` : "check the name"} (Kafka's keys: ${KEY_FILES}/${target.keys.line}.json)`;
}

const INT_RANGE: Readonly<Record<string, [bigint, bigint]>> = {
  short: [-(2n ** 15n), 2n ** 15n - 1n],
  int: [-(2n ** 31n), 2n ** 31n - 1n],
  long: [-(2n ** 63n), 2n ** 63n - 1n],
};

function unit(key: string): string {
  return key.endsWith(".ms") ? " of milliseconds" : key.endsWith(".bytes") ? " of bytes" : "";
}

/** What Kafka's ConfigDef would say about this value, in a sentence with the fix; undefined when Kafka accepts it. */
export function valueProblem(key: string, value: Value, spec: KeySpec, target: Target): string | undefined {
  const text = String(value).trim();
  const got = `got ${JSON.stringify(value)}`;
  switch (spec.type) {
    case "boolean":
      return /^(true|false)$/i.test(text) ? undefined : `must be true or false, ${got}`;
    case "short":
    case "int":
    case "long": {
      if (typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value))
        return `is a number too large for YAML to keep exactly (it would be written as ${value}); write it in quotes`;
      if (typeof value === "boolean" || !/^[+-]?\d+$/.test(text)) return `must be a whole number${unit(key)}, ${got}`;
      const n = BigInt(text);
      const [lo, hi] = INT_RANGE[spec.type]!;
      if (n < lo || n > hi) return `is out of range for Kafka's ${spec.type} type (${lo} to ${hi}), ${got}`;
      return rangeProblem(Number(text), spec, got);
    }
    case "double": {
      if (typeof value === "boolean" || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) || !Number.isFinite(Number(text)))
        return `must be a number, ${got}`;
      return rangeProblem(Number(text), spec, got);
    }
    case "string":
      return choiceProblem(text, spec, got, target);
    case "list": {
      const items = text === "" ? [] : text.split(/\s*,\s*/);
      if (items.length === 0 && spec.nonEmpty) return `must list at least one value, ${got}`;
      for (const item of items) {
        const p = choiceProblem(item, spec, `got ${JSON.stringify(item)}`, target);
        if (p) return `lists a value Kafka refuses: ${p.replace(/^must be/, "each item must be")}`;
      }
      return undefined;
    }
    case "class":
      return /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(text) ? undefined : `must be a Java class name such as org.example.MyPlugin, ${got}`;
    default:
      return undefined;
  }
}

function rangeProblem(n: number, spec: KeySpec, got: string): string | undefined {
  const { min, max } = spec;
  if ((min === undefined || n >= min) && (max === undefined || n <= max)) return undefined;
  const bounds = min !== undefined && max !== undefined ? `between ${min} and ${max}` : min !== undefined ? `at least ${min}` : `at most ${max}`;
  const whose = spec.validatorOf === "topic" ? `the validator of topic setting ${spec.topic}, which this key is the default of` : "Kafka's validator";
  return `must be ${bounds} (${whose}: ${spec.validator}), ${got}`;
}

function choiceProblem(text: string, spec: KeySpec, got: string, target: Target): string | undefined {
  const choices = spec.in;
  if (!choices || choices.length === 0) return undefined;
  const ok = spec.caseInsensitive ? choices.some((c) => c.toLowerCase() === text.toLowerCase()) : choices.includes(text);
  if (ok) return undefined;
  const close = closest(text, choices, 2);
  return `must be one of ${choices.map((c) => JSON.stringify(c)).join(", ")} in Kafka ${target.keys.line}, ${got}${close ? `; did you mean "${close}"?` : ""}`;
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
