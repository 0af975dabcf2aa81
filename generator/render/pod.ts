// The Kafka pod every workload runs: container, env wiring, probes and the
// security context. Workload renderers wrap it in a StatefulSet or Deployment.
import {
  CONTAINER_NAME,
  DATA_MOUNT,
  DATA_VOLUME,
  labels as labelKeys,
  listenerNames,
  ports,
} from "../layout.js";
import type { Model, Role } from "../model/model.js";

type EnvVar = { name: string; value: string } | { name: string; valueFrom: unknown };

/** Labels every Kafka object carries; the selector-safe subset identifies the cluster. */
export function clusterLabels(model: Model): Record<string, string> {
  return { [labelKeys.name]: "kafka", [labelKeys.instance]: model.kafkaName };
}

export function groupLabels(model: Model, component: string): Record<string, string> {
  return { ...clusterLabels(model), [labelKeys.component]: component };
}

export function listenersFor(roles: readonly Role[]): string {
  const out: string[] = [];
  // Empty host = every interface of the pod; the address others use is in advertised.listeners.
  if (roles.includes("broker")) out.push(`${listenerNames.client}://:${ports.client.port}`);
  if (roles.includes("controller")) out.push(`${listenerNames.controller}://:${ports.controller.port}`);
  return out.join(",");
}

const fieldRef = (fieldPath: string) => ({ fieldRef: { fieldPath } });

export interface KafkaPodOptions {
  roles: readonly Role[];
  podLabels: Record<string, string>;
  /** How the node learns its node.id: a downward-API env entry or a literal value. */
  nodeId: { fromPodIndexLabel: true } | { value: number };
  /** Host part of advertised.listeners; may use $(POD_NAME) and $(POD_NAMESPACE). */
  advertisedHost: string;
  configMapName: string;
  image: string;
}

export function kafkaPodTemplate(model: Model, o: KafkaPodOptions) {
  const isBroker = o.roles.includes("broker");
  const env: EnvVar[] = [
    { name: "POD_NAME", valueFrom: fieldRef("metadata.name") },
    { name: "POD_NAMESPACE", valueFrom: fieldRef("metadata.namespace") },
    "value" in o.nodeId
      ? { name: "KAFKA_NODE_ID", value: String(o.nodeId.value) }
      : // The StatefulSet controller labels each pod with its ordinal (Kubernetes >= 1.28); ordinals start at the group's first node.id.
        { name: "KAFKA_NODE_ID", valueFrom: fieldRef(`metadata.labels['${labelKeys.podIndex}']`) },
    { name: "KAFKA_PROCESS_ROLES", value: o.roles.join(",") },
    { name: "KAFKA_LISTENERS", value: listenersFor(o.roles) },
  ];
  // A controller-only node must not advertise anything: the image refuses to start if it does.
  if (isBroker)
    env.push({ name: "KAFKA_ADVERTISED_LISTENERS", value: `${listenerNames.client}://${o.advertisedHost}:${ports.client.port}` });

  const probePort = isBroker ? ports.client.name : ports.controller.name;
  const containerPorts = [
    ...(isBroker ? [{ name: ports.client.name, containerPort: ports.client.port }] : []),
    ...(o.roles.includes("controller") ? [{ name: ports.controller.name, containerPort: ports.controller.port }] : []),
  ];
  const spreadSelector = { matchLabels: clusterLabels(model) };

  return {
    metadata: { labels: o.podLabels },
    spec: {
      // Services in the namespace would otherwise inject KAFKA_*_PORT variables that the image turns into bogus properties.
      enableServiceLinks: false,
      // Time for a controlled shutdown: leadership moves away before the broker stops.
      terminationGracePeriodSeconds: 120,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 1000,
        runAsGroup: 1000,
        // The image runs as uid 1000; fsGroup makes the volume writable for it.
        fsGroup: 1000,
        fsGroupChangePolicy: "OnRootMismatch",
        seccompProfile: { type: "RuntimeDefault" },
      },
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 100, podAffinityTerm: { labelSelector: spreadSelector, topologyKey: "kubernetes.io/hostname" } },
          ],
        },
      },
      topologySpreadConstraints: [
        { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: spreadSelector },
      ],
      containers: [
        {
          name: CONTAINER_NAME,
          image: o.image,
          ports: containerPorts,
          env,
          envFrom: [{ configMapRef: { name: o.configMapName } }],
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
          },
          // Recovering logs after an unclean stop can take minutes; the startup budget (10 min) keeps liveness from killing it meanwhile.
          startupProbe: { tcpSocket: { port: probePort }, periodSeconds: 10, failureThreshold: 60 },
          readinessProbe: { tcpSocket: { port: probePort }, periodSeconds: 10, failureThreshold: 3 },
          livenessProbe: { tcpSocket: { port: probePort }, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 },
          volumeMounts: [{ name: DATA_VOLUME, mountPath: DATA_MOUNT }],
        },
      ],
    },
  };
}
