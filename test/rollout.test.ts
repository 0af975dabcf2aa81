// A commit is a rollout nobody watches: for every fixture, the rendered objects
// must restart at most one Kafka node at a time, gate each step on probes that
// mean "caught up", and give recovery a budget that grows with the volume.
import test from "ava";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseQuantity } from "../generator/quantity.js";
import { kustomize, writeTree } from "./support/kustomize.js";
import { FIXTURES, REPO_ROOT } from "./support/paths.js";
import { renderText } from "./support/render.js";

const WAVE = "argocd.argoproj.io/sync-wave";
const configs: Array<[string, string]> = [["this repository", join(REPO_ROOT, "kafka-gitops.yaml")]];
for (const f of (await readdir(FIXTURES)).sort()) configs.push([`fixture ${f}`, join(FIXTURES, f, "kafka-gitops.yaml")]);

const isKafkaWorkload = (o: any) => (o.kind === "StatefulSet" || o.kind === "Deployment") && o.metadata?.labels?.["app.kubernetes.io/name"] === "kafka";
const waveOf = (o: any) => Number(o.metadata?.annotations?.[WAVE] ?? "0");
/** Argo CD hooks (the users Job) run after the waves, in their phase; waves do not apply to them. */
const isHookObject = (o: any) => o.metadata?.annotations?.["argocd.argoproj.io/hook"] !== undefined;

/** How many of a workload's pods Kubernetes may take down at once during an update. */
function maxDownAtOnce(o: any): number {
  const replicas = o.spec.replicas ?? 1;
  if (replicas === 0) return 0;
  if (o.kind === "StatefulSet") {
    const strategy = o.spec.updateStrategy ?? { type: "RollingUpdate" };
    if (strategy.type !== "RollingUpdate") return replicas;
    return Number(strategy.rollingUpdate?.maxUnavailable ?? 1);
  }
  // Deployments here have one replica each (Recreate): an update stops that one node.
  return replicas;
}

for (const [label, file] of configs) {
  test(`${label}: no sync wave restarts more than one Kafka node, and every step waits for a ready pod`, async (t) => {
    const { tree, config } = renderText(await readFile(file, "utf8"));
    const dir = await writeTree(tree);
    for (const env of config.environments) {
      const objects = await kustomize(join(dir, "overlays", env.name));
      const workloads = objects.filter(isKafkaWorkload);
      t.true(workloads.length > 0, env.name);
      const byWave = new Map<number, number>();
      for (const w of workloads) byWave.set(waveOf(w), (byWave.get(waveOf(w)) ?? 0) + maxDownAtOnce(w));
      for (const [wave, down] of byWave) t.true(down <= 1, `${env.name}: wave ${wave} can take ${down} Kafka nodes down at once`);
      // Volumes, Services and ConfigMaps exist before any Kafka pod (they carry no wave: 0).
      t.true(
        workloads.every((w) => waveOf(w) >= 1),
        `${env.name}: workloads after their volumes and config`,
      );
      // cert-manager's objects come first (the CA in wave -2, the rest in -1): a pod whose certificate Secret is missing cannot start.
      const certManager = (o: { apiVersion?: string }) => o.apiVersion === "cert-manager.io/v1";
      t.true(
        objects.filter((o) => !isKafkaWorkload(o) && !certManager(o) && !isHookObject(o)).every((o) => waveOf(o) === 0),
        `${env.name}: everything else in wave 0`,
      );
      t.true(
        objects.filter(certManager).every((o) => waveOf(o) === (o.kind === "Certificate" && o.spec.isCA ? -2 : o.spec.selfSigned ? -2 : -1)),
        `${env.name}: the CA in wave -2, the other issuers and certificates in wave -1`,
      );
      for (const w of workloads) t.true((w.spec.minReadySeconds ?? 0) >= 10, `${env.name}: ${w.metadata.name} minReadySeconds`);
      // A hashed ConfigMap replaced by a change is pruned after the roll, not before it (Argo CD would
      // otherwise delete it in wave 0, while pods of later waves still need it to restart).
      const hashed = objects.filter((o) => o.kind === "ConfigMap" && /-[a-z0-9]{10}$/.test(o.metadata.name));
      t.true(hashed.length >= 2, `${env.name}: the config and probe ConfigMaps are generated`);
      for (const c of hashed)
        t.is(c.metadata.annotations?.["argocd.argoproj.io/sync-options"], "PruneLast=true", `${env.name}: ${c.metadata.name} is pruned last`);

      const voterWaves = workloads.filter((w) =>
        w.spec.template.spec.containers[0].env.some((e: any) => e.name === "KAFKA_PROCESS_ROLES" && e.value?.includes("controller")),
      );
      const brokerOnlyWaves = workloads.filter((w) =>
        w.spec.template.spec.containers[0].env.some((e: any) => e.name === "KAFKA_PROCESS_ROLES" && e.value === "broker"),
      );
      if (voterWaves.length && brokerOnlyWaves.length)
        t.true(Math.max(...voterWaves.map(waveOf)) < Math.min(...brokerOnlyWaves.map(waveOf)), `${env.name}: voters roll before broker-only nodes`);
    }
  });

  test(`${label}: probes run the mounted probe script, with a startup budget that grows with the volume`, async (t) => {
    const { tree, config } = renderText(await readFile(file, "utf8"));
    const dir = await writeTree(tree);
    for (const env of config.environments) {
      const objects = await kustomize(join(dir, "overlays", env.name));
      const probeMaps = objects.filter((o) => o.kind === "ConfigMap" && typeof o.data?.["probe.sh"] === "string");
      t.is(probeMaps.length, 1, `${env.name}: one probe ConfigMap`);
      for (const w of objects.filter(isKafkaWorkload)) {
        const pod = w.spec.template.spec;
        const c = pod.containers[0];
        const where = `${env.name}: ${w.metadata.name}`;
        for (const [key, mode] of [
          ["startupProbe", "startup"],
          ["readinessProbe", "readiness"],
          ["livenessProbe", "liveness"],
        ] as const)
          t.deepEqual(c[key].exec.command, ["bash", "/opt/kafka-gitops/probe.sh", mode], `${where}: ${key}`);
        const mount = c.volumeMounts.find((m: any) => m.mountPath === "/opt/kafka-gitops");
        const volume = pod.volumes.find((v: any) => v.name === mount?.name);
        t.is(volume?.configMap?.name, probeMaps[0].metadata.name, `${where}: mounts the probe ConfigMap`);

        const claim =
          w.kind === "StatefulSet"
            ? w.spec.volumeClaimTemplates[0]
            : objects.find(
                (o) =>
                  o.kind === "PersistentVolumeClaim" &&
                  o.metadata.name === pod.volumes.find((v: any) => v.persistentVolumeClaim)?.persistentVolumeClaim.claimName,
              );
        const gib = parseQuantity(claim.spec.resources.requests.storage) / 2 ** 30;
        const budget = c.startupProbe.failureThreshold * c.startupProbe.periodSeconds;
        t.true(budget >= 600 + 10 * gib, `${where}: startup budget ${budget} s for ${gib} GiB`);
        t.regex(c.env.find((e: any) => e.name === "KAFKA_JVM_PERFORMANCE_OPTS")?.value ?? "", /-XX:\+UseG1GC/, `${where}: G1 set explicitly`);
      }
    }
  });
}

test("the startup budget is ten minutes plus ten seconds per GiB", async (t) => {
  const { startupFailureThreshold } = await import("../generator/render/probes.js");
  t.is(startupFailureThreshold("0"), 60);
  t.is(startupFailureThreshold("100Gi"), 160);
  t.is(startupFailureThreshold("1Ti"), 1084);
});
