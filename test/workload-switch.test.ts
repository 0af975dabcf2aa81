// Switching an existing environment between the StatefulSet and the
// Deployment-per-broker workload must keep its data: every node keeps its
// node.id and volume claim name, and the environment keeps its CLUSTER_ID.
import test from "ava";
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { checkKafkaCluster, kafkaNodes, type KafkaNode } from "./support/kafka-nodes.js";
import { commitCount, tempRepo } from "./support/git-repo.js";
import { kustomize } from "./support/kustomize.js";
import { CLI } from "./support/paths.js";

const exec = promisify(execFile);

const config = (workload: string) =>
  `repo:\n  url: https://github.com/acme/kafka-gitops.git\nenvironments:\n  prod:\n    brokers: 4\n    workload: ${workload}\n    nodes: [w1, w2, w3, w4]\n`;

/** What must survive a switch, per node: node.id -> claim name, plus the cluster id. */
function identity(nodes: KafkaNode[]) {
  const claims: Record<string, string> = {};
  for (const n of nodes) {
    const volume = n.podSpec.volumes.find((v: any) => v.name === "data");
    claims[n.properties["node.id"]!] = volume.persistentVolumeClaim.claimName;
  }
  return { clusterIds: [...new Set(nodes.map((n) => n.clusterId))], claims };
}

async function scaffoldAndRender(dir: string, workload: string, ...flags: string[]) {
  await writeFile(join(dir, "kafka-gitops.yaml"), config(workload));
  await exec(process.execPath, [CLI, "scaffold", "--dir", dir, ...flags], { env: { PATH: process.env["PATH"], HOME: dir } });
  const objects = await kustomize(join(dir, "overlays", "prod"));
  return { objects, nodes: kafkaNodes(objects) };
}

test("statefulset -> deployment-per-broker -> statefulset keeps node ids, claims and cluster id", async (t) => {
  const dir = await tempRepo();
  const sts = await scaffoldAndRender(dir, "statefulset");
  t.deepEqual(checkKafkaCluster(sts.objects), []);
  t.deepEqual(identity(sts.nodes).claims, { "0": "data-kafka-0", "1": "data-kafka-1", "2": "data-kafka-2", "3": "data-kafka-broker-3" });

  const dpb = await scaffoldAndRender(dir, "deployment-per-broker");
  t.deepEqual(checkKafkaCluster(dpb.objects), []);
  t.deepEqual(identity(dpb.nodes), identity(sts.nodes));
  t.true(dpb.objects.every((o) => o.kind !== "StatefulSet"));
  const claims = dpb.objects.filter((o) => o.kind === "PersistentVolumeClaim");
  t.deepEqual(claims.map((c) => c.metadata.name).sort(), ["data-kafka-0", "data-kafka-1", "data-kafka-2", "data-kafka-broker-3"]);
  t.true(claims.every((c) => c.metadata.annotations["argocd.argoproj.io/sync-options"] === "Prune=false,Delete=false"));
  // Broker i is pinned to nodes[i].
  for (const n of dpb.nodes) {
    const terms = n.podSpec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    t.deepEqual(terms[0].matchExpressions[0].values, [`w${Number(n.properties["node.id"]) + 1}`]);
  }

  // Back to a StatefulSet, Argo CD's sync would wait on volumes the old Deployments hold: refused without the flag.
  await writeFile(join(dir, "kafka-gitops.yaml"), config("statefulset"));
  const refused = await exec(process.execPath, [CLI, "scaffold", "--dir", dir], { env: { PATH: process.env["PATH"], HOME: dir } }).then(
    () => undefined,
    (e: { code: number; stderr: string }) => e,
  );
  t.is(refused?.code, 1);
  t.regex(refused?.stderr ?? "", /environments\.prod\.workload: refused: .*4 per-node Deployments.*--allow-workload-switch prod/s);
  t.regex(refused?.stderr ?? "", /kubectl -n kafka-prod delete deployment -l app\.kubernetes\.io\/instance=kafka --cascade=foreground/);
  t.is(await commitCount(dir), 2, "nothing committed");
  const back = await scaffoldAndRender(dir, "statefulset", "--allow-workload-switch", "prod");
  t.deepEqual(identity(back.nodes), identity(sts.nodes));
  t.is(await commitCount(dir), 3, "each switch is one commit");
  t.regex(await readFile(join(dir, "overlays", "prod", "kustomization.yaml"), "utf8"), /base\/statefulset/);
});
