// overlays/<env>/: only what differs per environment. A change to one
// environment shows up only under its own folder.
import { annotations, dirs, labels as labelKeys, MANAGED_BY } from "../layout.js";
import type { EnvironmentModel, Model, Settings } from "../model/model.js";
import { settingsToEnv } from "./base.js";
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
  const { names } = model;
  const brokerGroup = em.groups.find((g) => g.kind === "broker")!;

  const imageOverride = env.image !== model.config.kafka.image ? [imageEntry(model.image.name, em.image)] : [];
  const kustomization = {
    ...KUSTOMIZATION,
    namespace: env.namespace,
    resources: [`../../${dirs.workload(env.workload)}`, "namespace.yaml"],
    labels: [{ pairs: { [labelKeys.environment]: env.name }, includeSelectors: false }],
    ...(imageOverride.length > 0 && { images: imageOverride }),
    replicas: em.groups.map((g) => ({ name: g.name, count: g.count })),
    configMapGenerator: [{ name: names.config, behavior: "merge", envs: ["kafka.env"] }],
    patches: [
      { path: "statefulsets.yaml", target: { kind: "StatefulSet", labelSelector: `${labelKeys.instance}=${model.kafkaName}` } },
      {
        // Broker-only ordinals continue after the voters, so a pod's ordinal is its node.id.
        patch: `apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: ${brokerGroup.name}\nspec:\n  ordinals:\n    start: ${brokerGroup.firstId}\n`,
      },
    ],
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
    [`${dir}/statefulsets.yaml`, yamlFile([podPatch(model, em)], ["Applies to every Kafka StatefulSet of this environment."])],
  ];
}

function describeSize(em: EnvironmentModel): string {
  const { env } = em;
  return `${env.brokers} broker${env.brokers === 1 ? "" : "s"}, ${env.controllers} of them KRaft voter${env.controllers === 1 ? "" : "s"}, ${env.workload}`;
}

function podPatch(model: Model, em: EnvironmentModel) {
  const { env } = em;
  const resources = {
    requests: env.resources.requests,
    limits: env.resources.limits,
  };
  const spreadRequired =
    env.spread === "required"
      ? {
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                { labelSelector: { matchLabels: clusterLabels(model) }, topologyKey: "kubernetes.io/hostname" },
              ],
            },
          },
        }
      : {};
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "kafka-nodes" },
    spec: {
      template: {
        spec: {
          ...spreadRequired,
          containers: [
            {
              name: "kafka",
              env: [{ name: "KAFKA_HEAP_OPTS", value: `-Xmx${env.heap} -Xms${env.heap}` }],
              resources,
            },
          ],
        },
      },
      volumeClaimTemplates: [volumeClaimTemplate(model, env.storage.size, env.storage.storageClass)],
    },
  };
}
