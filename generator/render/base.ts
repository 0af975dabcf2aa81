// base/: what every environment shares. base/common holds the cluster-wide
// Services, PDB and Kafka settings; base/image pins the image once;
// base/<variant> adds the workload objects of one workload and topology.
import { annotations, dirs, labels as labelKeys, MANAGED_BY, PROBE_SCRIPT, ports } from "../layout.js";
import type { Model } from "../model/model.js";
import { envNameFor } from "../kafka-keys.js";
import { envFile, hashCommentFile, yamlFile } from "./files.js";
import { probeScript } from "./probes.js";
import { COMPONENT, imageEntry, KUSTOMIZATION } from "./kustomization.js";
import { clusterLabels } from "./pod.js";
import { renderDeploymentBase } from "./deployment.js";
import { renderStatefulSets } from "./statefulset.js";
import { renderSecurityBase } from "./security.js";

export function renderBase(model: Model): Array<[string, string]> {
  const files: Array<[string, string]> = [...renderCommon(model), ...renderImageComponent(model), ...renderSecurityBase(model)];
  for (const base of model.bases) {
    if (base === "deployment-per-broker") files.push(...renderDeploymentBase(model));
    else files.push(...renderWorkloadBase(base, renderStatefulSets(model, base)));
  }
  return files;
}

/**
 * A Component, so its `images:` reaches the workload objects whichever base or
 * overlay they come from: a tag bump is one line here. An overlay's own
 * `images:` runs after components, so an environment can pin another tag.
 */
function renderImageComponent(model: Model): Array<[string, string]> {
  const component = { ...COMPONENT, images: [imageEntry(model.image.name, model.image)] };
  return [
    [`${dirs.image}/kustomization.yaml`, yamlFile([component], ["The Kafka image of every environment (kafka.image); overlays include this component."])],
  ];
}

/** Name and labels of a generated object; `extra` adds labels (e.g. the user an mTLS Certificate is for). */
export function metadata(model: Model, name: string, extra: Record<string, string> = {}) {
  return { name, labels: { ...clusterLabels(model), [labelKeys.managedBy]: MANAGED_BY, ...extra } };
}

/** KAFKA_* variables for a settings map, in key order so the file is stable. */
export function settingsToEnv(settings: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(settings)
      .sort()
      .map((k) => [envNameFor(k), settings[k]!]),
  );
}

function renderCommon(model: Model): Array<[string, string]> {
  const dir = dirs.common;
  const { names } = model;
  const clientPort = { name: ports.client.name, port: ports.client.port, targetPort: ports.client.name };
  const controllerPort = { name: ports.controller.name, port: ports.controller.port, targetPort: ports.controller.name };
  const services = [
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: metadata(model, names.headless),
      spec: {
        clusterIP: "None",
        // Nodes must resolve each other before they are ready, or the quorum never forms.
        publishNotReadyAddresses: true,
        selector: clusterLabels(model),
        ports: [clientPort, controllerPort],
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: metadata(model, names.bootstrap),
      spec: {
        type: "ClusterIP",
        selector: { ...clusterLabels(model), [labelKeys.broker]: "true" },
        ports: [clientPort],
      },
    },
  ];
  const pdb = {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: metadata(model, names.pdb),
    spec: { maxUnavailable: 1, selector: { matchLabels: clusterLabels(model) } },
  };
  const kustomization = {
    ...KUSTOMIZATION,
    resources: ["services.yaml", "pod-disruption-budget.yaml"],
    configMapGenerator: [
      { name: names.config, envs: ["kafka.env"], options: generatorOptions(model) },
      { name: names.probes, files: [PROBE_SCRIPT], options: generatorOptions(model) },
    ],
  };
  return [
    [`${dir}/kustomization.yaml`, yamlFile([kustomization])],
    [
      `${dir}/services.yaml`,
      yamlFile(services, [
        `${names.headless}: stable DNS name per node (<pod>.${names.headless}.<namespace>.svc) for the quorum and advertised listeners.`,
        `${names.bootstrap}: the address clients bootstrap from (${names.bootstrap}.<namespace>.svc:${ports.client.port}).`,
      ]),
    ],
    [
      `${dir}/${PROBE_SCRIPT}`,
      hashCommentFile(probeScript(), [
        "Startup, readiness and liveness probes of every Kafka node, run with bash: probe.sh startup|readiness|liveness.",
        "startup = caught up (every partition of this node in sync), readiness = serving, liveness = alive.",
      ]),
    ],
    [`${dir}/pod-disruption-budget.yaml`, yamlFile([pdb], ["At most one Kafka node down at a time during voluntary disruptions (drains, upgrades)."])],
    [
      `${dir}/kafka.env`,
      envFile(settingsToEnv(model.sharedSettings), [
        "server.properties shared by every environment, as the apache/kafka image reads them:",
        "KAFKA_ + upper case, '.' -> '_', '_' -> '__', '-' -> '___'. overlays/<env>/kafka.env adds and overrides keys.",
      ]),
    ],
  ];
}

/**
 * Options of every generated ConfigMap. Argo CD prunes an old hashed ConfigMap in the wave its live
 * object is in (wave 0, before the roll starts); a pod of a later wave that restarts before its turn
 * would then find its ConfigMap gone and fail to start. PruneLast keeps the old one until the roll is over.
 */
export function generatorOptions(model: Model) {
  return {
    labels: { ...clusterLabels(model), [labelKeys.managedBy]: MANAGED_BY },
    annotations: { [annotations.argoSyncOptions]: "PruneLast=true" },
  };
}

function renderWorkloadBase(base: string, workloadFiles: Array<[string, string]>): Array<[string, string]> {
  const dir = dirs.workload(base);
  const kustomization = { ...KUSTOMIZATION, resources: ["../common", ...workloadFiles.map(([name]) => name)] };
  return [[`${dir}/kustomization.yaml`, yamlFile([kustomization])], ...workloadFiles.map(([name, text]): [string, string] => [`${dir}/${name}`, text])];
}
