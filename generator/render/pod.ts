// The Kafka pod every workload runs: container, env wiring, probes and the
// security context. Workload renderers wrap it in a StatefulSet or Deployment.
import { CONTAINER_NAME, DATA_MOUNT, DATA_VOLUME, labels as labelKeys, listenerNames, ports } from "../layout.js";
import type { Model, Role } from "../model/model.js";

export type EnvVar = { name: string; value: string } | { name: string; valueFrom: unknown };

/** Labels every Kafka object carries; the selector-safe subset identifies the cluster. */
export function clusterLabels(model: Model): Record<string, string> {
  return { [labelKeys.name]: "kafka", [labelKeys.instance]: model.kafkaName };
}

/** Pods that should not share a node: brokers among brokers, controllers among controllers. */
export function spreadLabels(model: Model, roles: readonly Role[]): Record<string, string> {
  return roles.includes("broker")
    ? { ...clusterLabels(model), [labelKeys.broker]: "true" }
    : { ...clusterLabels(model), [labelKeys.component]: "controller" };
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

export const fieldRef = (fieldPath: string) => ({ fieldRef: { fieldPath } });

/** The env entries that make a node what it is: id, roles, listeners, advertised address. */
export function nodeEnv(roles: readonly Role[], nodeId: EnvVar, advertisedHost: string): EnvVar[] {
  const env: EnvVar[] = [
    nodeId,
    { name: "KAFKA_PROCESS_ROLES", value: roles.join(",") },
    { name: "KAFKA_LISTENERS", value: listenersFor(roles) },
  ];
  // A controller-only node must not advertise anything: the image refuses to start if it does.
  if (roles.includes("broker"))
    env.push({ name: "KAFKA_ADVERTISED_LISTENERS", value: `${listenerNames.client}://${advertisedHost}:${ports.client.port}` });
  return env;
}

export function containerPorts(roles: readonly Role[]) {
  return [
    ...(roles.includes("broker") ? [{ name: ports.client.name, containerPort: ports.client.port }] : []),
    ...(roles.includes("controller") ? [{ name: ports.controller.name, containerPort: ports.controller.port }] : []),
  ];
}

export interface KafkaPodOptions {
  roles: readonly Role[];
  env: EnvVar[];
  configMapName: string;
  image: string;
  /** Off where the shared pod serves nodes of different roles: each node then declares its own ports. */
  ports?: boolean;
}

/** Pod spec shared by every Kafka node of a workload; the caller adds labels, per-node env and volumes. */
export function kafkaPodSpec(model: Model, o: KafkaPodOptions) {
  const probePort = o.roles.includes("broker") ? ports.client.name : ports.controller.name;
  const spreadSelector = { matchLabels: spreadLabels(model, o.roles) };
  return {
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
        ...(o.ports !== false && { ports: containerPorts(o.roles) }),
        ...(o.env.length > 0 && { env: o.env }),
        envFrom: [{ configMapRef: { name: o.configMapName } }],
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
        // Recovering logs after an unclean stop can take minutes; the startup budget (10 min) keeps liveness from killing it meanwhile.
        startupProbe: { tcpSocket: { port: probePort }, periodSeconds: 10, failureThreshold: 60 },
        readinessProbe: { tcpSocket: { port: probePort }, periodSeconds: 10, failureThreshold: 3 },
        livenessProbe: { tcpSocket: { port: probePort }, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 },
        volumeMounts: [{ name: DATA_VOLUME, mountPath: DATA_MOUNT }],
      },
    ],
  };
}
