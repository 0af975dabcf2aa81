// Every overlay of every fixture (and of this repository's own config) is
// rendered with the real `kubectl kustomize`, then checked three ways: each
// object against the Kubernetes schema with unknown fields rejected, the
// Kafka cluster rebuilt node by node from the manifests, and the quorum facts
// the config promises.
import test from "ava";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { checkKafkaCluster, kafkaNodes } from "./support/kafka-nodes.js";
import { validateKubeObjects } from "./support/kube-schema.js";
import { kustomize, writeTree } from "./support/kustomize.js";
import { FIXTURES, REPO_ROOT } from "./support/paths.js";
import { renderText } from "./support/render.js";

const configs: Array<[string, string]> = [["this repository", join(REPO_ROOT, "kafka-gitops.yaml")]];
for (const f of (await readdir(FIXTURES)).sort()) configs.push([`fixture ${f}`, join(FIXTURES, f, "kafka-gitops.yaml")]);

const DEPRECATED_KUSTOMIZE_FIELDS = ["commonLabels", "patchesStrategicMerge", "patchesJson6902", "vars", "bases", "imageTags"];

for (const [label, file] of configs) {
  test(`${label}: every overlay renders a valid, correct KRaft cluster`, async (t) => {
    const { tree, config } = renderText(await readFile(file, "utf8"));
    const dir = await writeTree(tree);
    for (const env of config.environments) {
      const objects = await kustomize(join(dir, "overlays", env.name));
      t.deepEqual(validateKubeObjects(objects), [], `${env.name}: Kubernetes schema`);
      t.deepEqual(checkKafkaCluster(objects), [], `${env.name}: Kafka rules`);

      const all = kafkaNodes(objects);
      const dedicated = env.topology === "dedicated";
      const total = env.brokers + (dedicated ? env.controllers : 0);
      t.deepEqual(
        all.map((n) => Number(n.properties["node.id"])),
        [...Array(total).keys()],
        `${env.name}: node ids 0..n-1`,
      );
      const voters = all.filter((n) => n.properties["process.roles"]?.includes("controller"));
      t.deepEqual(
        voters.map((n) => Number(n.properties["node.id"])),
        [...Array(env.controllers).keys()],
        `${env.name}: the first ids are the voters`,
      );
      if (dedicated)
        t.true(
          voters.every((n) => n.properties["process.roles"] === "controller" && !("advertised.listeners" in n.properties)),
          `${env.name}: controller-only`,
        );
      const nodes = all.filter((n) => n.properties["process.roles"]?.includes("broker"));
      t.is(nodes.length, env.brokers, `${env.name}: one broker-role node per broker`);
      t.true(
        nodes.every((n) => n.namespace === env.namespace),
        `${env.name}: namespace`,
      );
      const ns = objects.find((o) => o.kind === "Namespace");
      t.is(ns?.metadata.name, env.namespace);
      const rf = Math.min(env.brokers, 3);
      for (const n of nodes) {
        if (!("default.replication.factor" in env.config)) t.is(n.properties["default.replication.factor"], String(rf));
        for (const [k, v] of Object.entries({ ...config.kafka.config, ...env.config })) t.is(n.properties[k], String(v), `${env.name}: ${k}`);
      }
      if (env.nodes) {
        for (const n of nodes) {
          const hosts = n.podSpec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchExpressions?.[0]?.values;
          const index = Number(n.properties["node.id"]) - (dedicated ? env.controllers : 0);
          t.deepEqual(hosts, env.workload === "statefulset" ? env.nodes : [env.nodes[index]], `${env.name}: ${n.pod} pinned`);
        }
      }
      const images = new Set(nodes.map((n) => n.container.image));
      t.deepEqual([...images], [env.image], `${env.name}: image`);
    }
    for (const [path, text] of tree) {
      if (!path.endsWith("kustomization.yaml")) continue;
      const doc = parse(text) as Record<string, unknown>;
      t.deepEqual(
        Object.keys(doc).filter((k) => DEPRECATED_KUSTOMIZE_FIELDS.includes(k)),
        [],
        `${path}: deprecated fields`,
      );
      if (doc["kind"] === "Component") t.is(doc["apiVersion"], "kustomize.config.k8s.io/v1alpha1", path);
      else t.deepEqual([doc["apiVersion"], doc["kind"]], ["kustomize.config.k8s.io/v1beta1", "Kustomization"], path);
    }
  });
}

test("growing brokers never changes the voters or the cluster id", async (t) => {
  const render = async (brokers: number) => {
    const { tree } = renderText(`repo: {url: "https://example.com/r.git"}\nenvironments:\n  prod: {brokers: ${brokers}, controllers: 3}\n`);
    return kafkaNodes(await kustomize(join(await writeTree(tree), "overlays/prod")));
  };
  const three = await render(3);
  const seven = await render(7);
  t.is(seven.length, 7);
  t.is(seven[0]!.properties["controller.quorum.voters"], three[0]!.properties["controller.quorum.voters"]);
  t.is(seven[0]!.clusterId, three[0]!.clusterId);
  t.deepEqual(
    seven.filter((n) => n.properties["process.roles"] === "broker").map((n) => n.pod),
    ["kafka-broker-3", "kafka-broker-4", "kafka-broker-5", "kafka-broker-6"],
  );
});
