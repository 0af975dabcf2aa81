// overlays/<env>/: only what differs per environment. A change to one
// environment shows up only under its own folder.
import { annotations, dirs, labels as labelKeys, MANAGED_BY } from "../layout.js";
import type { EnvironmentModel, Model, Settings } from "../model/model.js";
import { settingsToEnv } from "./base.js";
import { renderBrokerFiles } from "./deployment.js";
import { envFile, yamlFile } from "./files.js";
import { imageEntry, KUSTOMIZATION } from "./kustomization.js";
import { clusterLabels } from "./pod.js";
import { volumeClaimTemplate } from "./statefulset.js";

/** Settings the overlay must add or override on top of base/common/kafka.env. */
export function overlaySettings(model: Model, em: EnvironmentModel): Settings {
  const out: Settings = { "controller.quorum.voters": em.voters };
  for (const [k, v] of Object.entries(em.settings)) if (model.sharedSettings[k] !== v) out[k] = v;
  return out;
}

export function renderOverlay(model: Model, em: EnvironmentModel): Array<[string, string]> {
  const { env } = em;
  const dir = dirs.overlay(env.name);
  const workloadFiles = env.workload === "statefulset" ? statefulSetOverlay(model, em) : deploymentOverlay(model, em);
  const kustomization = {
    ...KUSTOMIZATION,
    namespace: env.namespace,
    resources: [...workloadFiles.resources, "namespace.yaml", ...workloadFiles.files.filter(([p]) => p.startsWith("brokers/")).map(([p]) => p)],
    ...workloadFiles.kustomization,
    labels: [{ pairs: { [labelKeys.environment]: env.name }, includeSelectors: false }],
    ...(env.image !== model.config.kafka.image && { images: [imageEntry(model.image.name, em.image)] }),
    configMapGenerator: [{ name: model.names.config, behavior: "merge", envs: ["kafka.env"] }],
    patches: workloadFiles.patches,
  };
  const namespace = {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: env.namespace,
      labels: { [labelKeys.managedBy]: MANAGED_BY, "pod-security.kubernetes.io/enforce": "restricted" },
      // Deleting the Application or removing the namespace from Git must never delete the volumes inside it.
      annotations: { [annotations.argoSyncOptions]: "Prune=false,Delete=false" },
    },
  };
  return [
    [`${dir}/kustomization.yaml`, yamlFile([kustomization], [`Environment ${env.name}: ${describeSize(em)}.`])],
    [`${dir}/namespace.yaml`, yamlFile([namespace])],
    [
      `${dir}/kafka.env`,
      envFile({ CLUSTER_ID: em.clusterId, ...settingsToEnv(overlaySettings(model, em)) }, [
        `server.properties of environment ${env.name} on top of base/common/kafka.env.`,
        "CLUSTER_ID and the voters are fixed for the life of the cluster: changing them on existing volumes stops every node.",
      ]),
    ],
    ...workloadFiles.files.map(([p, text]): [string, string] => [`${dir}/${p}`, text]),
  ];
}

interface WorkloadOverlay {
  resources: string[];
  kustomization: Record<string, unknown>;
  patches: unknown[];
  files: Array<[string, string]>;
}

function statefulSetOverlay(model: Model, em: EnvironmentModel): WorkloadOverlay {
  const brokerGroup = em.groups.find((g) => g.kind === "broker")!;
  const podPatch = {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "every-kafka-statefulset" },
    spec: {
      template: { spec: podSettings(model, em) },
      volumeClaimTemplates: [volumeClaimTemplate(model, em.env.storage.size, em.env.storage.storageClass)],
    },
  };
  return {
    resources: [`../../${dirs.workload("statefulset")}`],
    kustomization: { replicas: em.groups.map((g) => ({ name: g.name, count: g.count })) },
    patches: [
      { path: "statefulsets.yaml", target: { kind: "StatefulSet", labelSelector: `${labelKeys.instance}=${model.kafkaName}` } },
      {
        // Broker-only ordinals continue after the voters, so a pod's ordinal is its node.id.
        patch: `apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: ${brokerGroup.name}\nspec:\n  ordinals:\n    start: ${brokerGroup.firstId}\n`,
      },
    ],
    files: [["statefulsets.yaml", yamlFile([podPatch], ["Applies to every Kafka StatefulSet of this environment."])]],
  };
}

function deploymentOverlay(model: Model, em: EnvironmentModel): WorkloadOverlay {
  const podPatch = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "every-kafka-deployment" },
    spec: { template: { spec: podSettings(model, em) } },
  };
  const brokerFiles = renderBrokerFiles(model, em);
  return {
    resources: [`../../${dirs.common}`],
    kustomization: { components: [`../../${dirs.workload("deployment-per-broker")}`] },
    patches: [{ path: "deployments.yaml", target: { kind: "Deployment", labelSelector: `${labelKeys.instance}=${model.kafkaName}` } }],
    files: [["deployments.yaml", yamlFile([podPatch], ["Applies to every Kafka Deployment of this environment."])], ...brokerFiles],
  };
}

/** Per-environment pod settings: resources, heap and placement. */
function podSettings(model: Model, em: EnvironmentModel) {
  const { env } = em;
  const podAntiAffinity =
    env.spread === "required"
      ? { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: clusterLabels(model) }, topologyKey: "kubernetes.io/hostname" }] }
      : undefined;
  // A StatefulSet cannot pin ordinal i to a node; restricting it to the listed nodes (one broker each when spread is required) is the closest.
  const nodeAffinity =
    env.nodes !== undefined && env.workload === "statefulset"
      ? {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: env.nodes }] }],
          },
        }
      : undefined;
  return {
    ...((podAntiAffinity || nodeAffinity) && {
      affinity: { ...(nodeAffinity && { nodeAffinity }), ...(podAntiAffinity && { podAntiAffinity }) },
    }),
    containers: [
      {
        name: "kafka",
        env: [{ name: "KAFKA_HEAP_OPTS", value: `-Xmx${env.heap} -Xms${env.heap}` }],
        resources: { requests: env.resources.requests, limits: env.resources.limits },
      },
    ],
  };
}

function describeSize(em: EnvironmentModel): string {
  const { env } = em;
  return `${env.brokers} broker${env.brokers === 1 ? "" : "s"}, ${env.controllers} of them KRaft voter${env.controllers === 1 ? "" : "s"}, ${env.workload}`;
}
