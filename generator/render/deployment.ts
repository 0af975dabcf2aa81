// The Deployment-per-broker workload (seed 001): each node is one Deployment
// with one replica, one Service and one PVC. Kustomize cannot loop, so the
// generator writes a short file per node into the overlay; everything the nodes
// share is one patch in the base/deployment-per-broker component.
import { annotations, CONTAINER_NAME, DATA_VOLUME, dirs, labels as labelKeys, MANAGED_BY, ports } from "../layout.js";
import type { EnvironmentModel, Model, NodeGroup, Role } from "../model/model.js";
import { nodeHost, nodeIds, nodeZone, podName } from "../model/model.js";
import { brokerServiceListeners, servicePorts } from "../model/security.js";
import { yamlFile } from "./files.js";
import { deploymentWave, MIN_READY_SECONDS, waveAnnotation } from "./rollout.js";
import { COMPONENT } from "./kustomization.js";
import { clusterLabels, containerPorts, groupLabels, kafkaPodSpec, nodeEnv } from "./pod.js";

/** base/deployment-per-broker: a Component, because its patches must reach the Deployments that live in each overlay. */
export function renderDeploymentBase(model: Model): Array<[string, string]> {
  const dir = dirs.workload("deployment-per-broker");
  const withControllers = model.environments.some((em) => em.base === "deployment-per-broker" && em.env.topology === "dedicated");
  const instance = `${labelKeys.instance}=${model.kafkaName}`;
  const patches = [
    { path: "broker-pod.yaml", target: { kind: "Deployment", labelSelector: `${instance},${labelKeys.component}!=controller` } },
    ...(withControllers
      ? [{ path: "controller-pod.yaml", target: { kind: "Deployment", labelSelector: `${instance},${labelKeys.component}=controller` } }]
      : []),
  ];
  const sharedPod = (roles: Role[]) => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: roles.includes("broker") ? "every-kafka-broker" : "every-kafka-controller" },
    spec: {
      // Two pods with one node.id and one ReadWriteOnce volume must never run at once: stop the old pod before starting the new one.
      strategy: { type: "Recreate" },
      minReadySeconds: MIN_READY_SECONDS,
      template: {
        // Each node declares its own ports: combined and broker-only nodes listen on different ones.
        spec: kafkaPodSpec(model, {
          roles,
          env: [],
          configMapName: model.names.config,
          probesConfigMapName: model.names.probes,
          image: model.image.name,
          ports: false,
        }),
      },
    },
  });
  return [
    [`${dir}/kustomization.yaml`, yamlFile([{ ...COMPONENT, patches }], ["Included by overlays as a component: the shared pod of every per-node Deployment."])],
    [`${dir}/broker-pod.yaml`, yamlFile([sharedPod(["broker"])], ["Merged into every broker Deployment; the per-node parts are in overlays/<env>/brokers/."])],
    ...(withControllers
      ? [
          [
            `${dir}/controller-pod.yaml`,
            yamlFile([sharedPod(["controller"])], ["Merged into every controller-only Deployment (probes on the controller port)."]),
          ] as [string, string],
        ]
      : []),
  ];
}

/** The claim name a StatefulSet would give this node, so switching workloads re-attaches the same volume. */
export function claimName(group: NodeGroup, id: number): string {
  return `${DATA_VOLUME}-${podName(group, id)}`;
}

export function brokerFileName(group: NodeGroup, id: number): string {
  return `brokers/${podName(group, id)}.yaml`;
}

/** One file per node: its Deployment, Service and PVC. */
export function renderBrokerFiles(model: Model, em: EnvironmentModel): Array<[string, string]> {
  return em.groups.flatMap((group) =>
    nodeIds(group).map((id): [string, string] => [
      brokerFileName(group, id),
      yamlFile(nodeObjects(model, em, group, id), [`Kafka node ${id} of environment ${em.env.name}.`]),
    ]),
  );
}

function nodeObjects(model: Model, em: EnvironmentModel, group: NodeGroup, id: number) {
  const { env } = em;
  const name = podName(group, id);
  const nodeSelector = { ...clusterLabels(model), [labelKeys.nodeId]: String(id) };
  const podLabels = {
    ...groupLabels(model, group.kind),
    ...(group.roles.includes("broker") && { [labelKeys.broker]: "true" }),
    [labelKeys.nodeId]: String(id),
  };
  const metaLabels = { ...groupLabels(model, group.kind), [labelKeys.nodeId]: String(id), [labelKeys.managedBy]: MANAGED_BY };
  const isController = group.kind === "controller";
  // nodes[] pins brokers: index i is the i-th broker-role node.
  const pinnedNode = isController ? undefined : env.nodes?.[id - (env.topology === "dedicated" ? env.controllers : 0)];
  // A node runs on its pinned host, or in its zone (rack); validation refuses both at once.
  const zone = nodeZone(env, group, id);
  const pin =
    pinnedNode !== undefined
      ? { key: labelKeys.hostname, value: pinnedNode }
      : zone !== undefined && env.rack !== undefined
        ? { key: env.rack.topologyKey, value: zone }
        : undefined;
  const storage = isController ? env.controllerNodes.storage : env.storage;

  const deployment = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, labels: metaLabels, annotations: waveAnnotation(deploymentWave(id)) },
    spec: {
      replicas: 1,
      selector: { matchLabels: nodeSelector },
      template: {
        metadata: { labels: podLabels },
        spec: {
          ...(pin !== undefined && {
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [{ matchExpressions: [{ key: pin.key, operator: "In", values: [pin.value] }] }],
                },
              },
            },
          }),
          containers: [
            {
              name: CONTAINER_NAME,
              ports: containerPorts(group.roles, em.security),
              env: [
                ...nodeEnv(group.roles, { name: "KAFKA_NODE_ID", value: String(id) }, nodeHost(env, model.names, group, id), em.security),
                // The image turns KAFKA_BROKER_RACK into broker.rack: replicas of a partition go to brokers of distinct racks.
                ...(zone !== undefined && group.roles.includes("broker") ? [{ name: "KAFKA_BROKER_RACK", value: zone }] : []),
              ],
            },
          ],
          volumes: [{ name: DATA_VOLUME, persistentVolumeClaim: { claimName: claimName(group, id) } }],
        },
      },
    },
  };
  const service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, labels: metaLabels },
    spec: {
      // The quorum needs the address before the node is ready.
      publishNotReadyAddresses: true,
      selector: nodeSelector,
      ports: [
        ...(group.roles.includes("broker")
          ? em.security !== undefined
            ? servicePorts(brokerServiceListeners(em.security))
            : [{ name: ports.client.name, port: ports.client.port, targetPort: ports.client.name }]
          : []),
        ...(group.roles.includes("controller") ? [{ name: ports.controller.name, port: ports.controller.port, targetPort: ports.controller.name }] : []),
      ],
    },
  };
  const claim = {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: {
      name: claimName(group, id),
      labels: clusterLabels(model),
      // Argo CD prunes what vanishes from Git; a broker's data is only ever deleted by a person.
      annotations: { [annotations.argoSyncOptions]: "Prune=false,Delete=false" },
    },
    spec: {
      accessModes: ["ReadWriteOnce"],
      ...(storage.storageClass !== undefined && { storageClassName: storage.storageClass }),
      resources: { requests: { storage: storage.size } },
    },
  };
  return [deployment, service, claim];
}
