// The StatefulSet workload: one StatefulSet per node group. Group "combined"
// holds the KRaft voters (broker+controller), group "broker" the broker-only
// nodes after them, so scaling brokers never touches the voter set.
import { DATA_VOLUME, labels as labelKeys, MANAGED_BY } from "../layout.js";
import type { BaseVariant, Model, NodeGroup } from "../model/model.js";
import { yamlFile } from "./files.js";
import { MIN_READY_SECONDS, statefulSetWave, waveAnnotation } from "./rollout.js";
import { clusterLabels, fieldRef, groupLabels, kafkaPodSpec, nodeEnv, podIdentityEnv } from "./pod.js";

export function renderStatefulSets(model: Model, base: BaseVariant): Array<[string, string]> {
  // Every environment on this base has the same groups; only their sizes differ (set in the overlays).
  const groups = model.environments.find((em) => em.base === base)!.groups;
  return [
    [
      "statefulsets.yaml",
      yamlFile(
        groups.map((g) => statefulSet(model, g)),
        [
          "Replicas, first ordinal, resources, heap and volume size are set per environment in overlays/<env>/.",
          "node.id = pod ordinal; ordinals of the broker-only StatefulSet start after the voters'.",
        ],
      ),
    ],
  ];
}

function statefulSet(model: Model, group: NodeGroup) {
  const { names } = model;
  const selector = groupLabels(model, group.kind);
  const podLabels = { ...selector, ...(group.roles.includes("broker") && { [labelKeys.broker]: "true" }) };
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: group.name, labels: { ...selector, [labelKeys.managedBy]: MANAGED_BY }, annotations: waveAnnotation(statefulSetWave(group)) },
    spec: {
      serviceName: names.headless,
      // OrderedReady would deadlock: pod 0 only becomes ready once a quorum of its peers runs.
      podManagementPolicy: "Parallel",
      replicas: 0,
      selector: { matchLabels: selector },
      // Volumes outlive the StatefulSet and scale-downs: data is only deleted by a person.
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      // One pod at a time, highest ordinal first; the next waits until this one is Ready (caught up) for MIN_READY_SECONDS.
      updateStrategy: { type: "RollingUpdate" },
      minReadySeconds: MIN_READY_SECONDS,
      template: {
        metadata: { labels: podLabels },
        spec: kafkaPodSpec(model, {
          roles: group.roles,
          env: [
            // Defined first: later values refer to them as $(POD_NAME) and $(POD_NAMESPACE).
            ...podIdentityEnv(),
            ...nodeEnv(
              group.roles,
              // The StatefulSet controller labels each pod with its ordinal (Kubernetes >= 1.28); ordinals start at the group's first node.id.
              { name: "KAFKA_NODE_ID", valueFrom: fieldRef(`metadata.labels['${labelKeys.podIndex}']`) },
              `$(POD_NAME).${names.headless}.$(POD_NAMESPACE).svc`,
            ),
          ],
          configMapName: names.config,
          probesConfigMapName: names.probes,
          image: model.image.name,
        }),
      },
    },
  };
}

/** The claim template an overlay sets; apiVersion and kind are spelled out or Argo CD shows the StatefulSet OutOfSync forever. */
export function volumeClaimTemplate(model: Model, size: string, storageClass: string | undefined) {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: DATA_VOLUME, labels: clusterLabels(model) },
    spec: {
      accessModes: ["ReadWriteOnce"],
      ...(storageClass !== undefined && { storageClassName: storageClass }),
      resources: { requests: { storage: size } },
    },
  };
}
