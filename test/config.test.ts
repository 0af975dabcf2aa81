// The config contract: valid configs resolve to the documented defaults, and
// invalid ones produce exactly these messages (all problems at once).
import test from "ava";
import { configText, parseConfig } from "../generator/config/load.js";
import { ConfigError, formatProblem } from "../generator/errors.js";

import { HOSTILE_CONFIGS, INVALID_CONFIGS, REPO } from "./support/invalid-configs.js";

function problems(text: string | Uint8Array): string[] {
  try {
    parseConfig(typeof text === "string" ? text : configText(text, "kafka-gitops.yaml"), "kafka-gitops.yaml");
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map(formatProblem);
    throw err;
  }
  return [];
}

test("a minimal config gets every documented default", (t) => {
  const config = parseConfig(REPO + "environments:\n  dev: {}\n", "kafka-gitops.yaml");
  t.deepEqual(config.repo, { url: "https://github.com/acme/kafka-gitops.git", revision: "main" });
  t.deepEqual(config.kafka, { name: "kafka", image: "apache/kafka:4.3.1", workload: "statefulset", config: {} });
  t.deepEqual(config.environments, [
    {
      name: "dev",
      cluster: "dev",
      server: "https://kubernetes.default.svc",
      namespace: "kafka-dev",
      brokers: 1,
      controllers: 1,
      topology: "combined",
      controllerNodes: { storage: { size: "5Gi" }, resources: { requests: { cpu: "250m", memory: "2Gi" }, limits: { memory: "2Gi" } }, heap: "1g" },
      clients: { namespaces: ["kafka-dev"] },
      workload: "statefulset",
      image: "apache/kafka:4.3.1",
      storage: { size: "5Gi" },
      resources: { requests: { cpu: "250m", memory: "2Gi" }, limits: { memory: "2Gi" } },
      heap: "1g",
      spread: "preferred",
      sync: { automated: true, prune: true, selfHeal: true },
      config: {},
    },
  ]);
  t.deepEqual(config.argocd, { namespace: "argocd", project: "kafka" });
});

test("derived defaults follow the environment's size and kafka-wide settings", (t) => {
  const config = parseConfig(
    REPO +
      "kafka: {name: events, workload: deployment-per-broker}\n" +
      "environments:\n  prod: {brokers: 4, resources: {requests: {memory: 16Gi}}}\n  qa: {brokers: 2, workload: statefulset, cluster: shared, namespace: qa-kafka}\n",
    "kafka-gitops.yaml",
  );
  const [prod, qa] = config.environments;
  t.is(prod!.controllers, 3);
  t.is(prod!.spread, "required");
  t.is(prod!.namespace, "events-prod");
  t.is(prod!.workload, "deployment-per-broker");
  t.is(prod!.resources.limits.memory, "16Gi", "the memory limit defaults to the request");
  t.is(prod!.heap, "6g", "half of 16Gi is capped at 6g");
  t.is(qa!.controllers, 1);
  t.is(qa!.workload, "statefulset");
  t.is(qa!.cluster, "shared");
  t.is(qa!.namespace, "qa-kafka");
});

test("environments come out in name order whatever the file order", (t) => {
  const config = parseConfig(REPO + "environments:\n  zeta: {}\n  alpha: {}\n  mid: {}\n", "kafka-gitops.yaml");
  t.deepEqual(
    config.environments.map((e) => e.name),
    ["alpha", "mid", "zeta"],
  );
});

test("every repo.url form Git and Argo CD use is accepted", (t) => {
  for (const url of ["https://github.com/a/b.git", "ssh://git@github.com/a/b.git", "git@github.com:a/b.git", "file:///tmp/remote.git"])
    t.deepEqual(problems(`repo: {url: "${url}"}\nenvironments:\n  dev: {}\n`), [], url);
});

for (const [name, text, expected] of [...INVALID_CONFIGS, ...HOSTILE_CONFIGS]) test(`rejects: ${name}`, (t) => t.deepEqual(problems(text), expected));
