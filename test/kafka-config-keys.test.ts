// The committed Kafka key data (scripts/kafka-config-keys/refresh.sh) and the
// rules that read it: the data is Kafka's, the version follows the image, and
// values Kafka accepts are accepted.
import test from "ava";
import { parseConfig } from "../generator/config/load.js";
import { settingProblems } from "../generator/config/kafka-rules.js";
import { formatProblem } from "../generator/errors.js";
import { brokerKeys, KEY_LINES, keyLineFor } from "../generator/kafka/broker-keys.js";
import { MANAGED_KEYS } from "../generator/kafka-keys.js";
import { parseYaml } from "../generator/yaml-format.js";
import { REPO } from "./support/invalid-configs.js";

test("every supported line has Kafka's keys, extracted from that line", (t) => {
  t.deepEqual([...KEY_LINES], ["4.0", "4.1", "4.2", "4.3"]);
  for (const line of KEY_LINES) {
    const data = brokerKeys(line);
    t.true(data.kafka.startsWith(`${line}.`), `${line}: extracted from ${data.kafka}`);
    t.true(data.keys.size >= 300, `${line}: ${data.keys.size} keys`);
    t.true(
      [...data.keys.values()].every((k) => typeof k.type === "string"),
      `${line}: every key has a type`,
    );
  }
});

test("the data holds Kafka's own types, validators and sides", (t) => {
  const keys = brokerKeys("4.3").keys;
  t.like(keys.get("num.io.threads"), { type: "int", default: "8", min: 1 });
  t.like(keys.get("log.retention.ms"), { type: "long", min: -1, validatorOf: "topic", topic: "retention.ms" });
  t.true(keys.get("compression.type")?.in?.includes("zstd"));
  t.like(keys.get("process.roles"), { type: "list", controller: true });
  t.like(keys.get("ssl.keystore.password"), { type: "password" });
  t.false(keys.has("constructor"), "no key is found on Object.prototype");
});

test("every key kafka-gitops manages is a real Kafka key (the list is not stale)", (t) => {
  const known = brokerKeys("4.3").keys;
  for (const key of MANAGED_KEYS.keys()) if (key !== "cluster.id") t.true(known.has(key), key);
});

test("the image's tag picks the line; unknown versions fall back to the newest, and say so", (t) => {
  t.deepEqual(keyLineFor("apache/kafka:4.0.2"), { line: "4.0", exact: true });
  t.deepEqual(keyLineFor("mirror.example.com/apache/kafka:4.2.1-rc1"), { line: "4.2", exact: true });
  t.deepEqual(keyLineFor("apache/kafka:4.9.0"), { line: "4.3", exact: false });
  t.deepEqual(keyLineFor(`apache/kafka@sha256:${"a".repeat(64)}`), { line: "4.3", exact: false });
});

function yamlValue(text: string): unknown {
  const r = parseYaml(text);
  if (!r.ok) throw new Error("bad YAML in test");
  return r.value;
}

/** The setting problems of a config that is otherwise valid (parseConfig throws on any other problem). */
function accepted(config: string): string[] {
  const problems = settingProblems(yamlValue(config)).map(formatProblem);
  if (problems.length === 0) parseConfig(config, "kafka-gitops.yaml");
  return problems;
}

test("values Kafka accepts are accepted, in every spelling YAML allows", (t) => {
  const config =
    REPO +
    "environments:\n  dev:\n    config:\n" +
    [
      "log.retention.ms: -1",
      "log.retention.bytes: '9007199254740993'",
      "num.partitions: '+6'",
      "auto.leader.rebalance.enable: 'TRUE'",
      "log.cleanup.policy: 'compact, delete'",
      "compression.type: zstd",
      "log.cleaner.min.cleanable.ratio: 0.5",
      "super.users: 'User:admin'",
      "listener.name.client.ssl.endpoint.identification.algorithm: https",
      "ssl.principal.mapping.rules: DEFAULT",
    ]
      .map((l) => `      ${l}\n`)
      .join("");
  t.deepEqual(accepted(config), []);
});

test("kafka.config is checked against each environment's version, once per message", (t) => {
  const config = `${REPO}kafka: {config: {group.share.max.share.sessions: 1000, num.io.threads: 0}}\nenvironments:\n  old: {image: apache/kafka:4.0.2}\n  new: {}\n  newer: {}\n`;
  t.deepEqual(settingProblems(yamlValue(config)).map(formatProblem), [
    'kafka.config["group.share.max.share.sessions"]: is not a broker setting of Kafka 4.0, the version of apache/kafka:4.0.2 (environment old); Kafka 4.1 added it: upgrade the image or remove it',
    'kafka.config["num.io.threads"]: must be at least 1 (Kafka\'s validator: [1,...]), got 0',
  ]);
});
