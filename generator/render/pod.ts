// The Kafka pod every workload runs: container, env wiring, probes and the
// security context. Workload renderers wrap it in a StatefulSet or Deployment.
import { CONTAINER_NAME, DATA_MOUNT, DATA_VOLUME, labels as labelKeys, listenerNames, PROBE_MOUNT, PROBE_VOLUME, ports } from "../layout.js";
import { kafkaProbes } from "./probes.js";
import type { Model, Role } from "../model/model.js";
import { advertisedListeners, type Listener, nodeListeners, type SecurityModel } from "../model/security.js";

export type EnvVar = { name: string; value: string } | { name: string; valueFrom: unknown };

/** Labels every Kafka object carries; the selector-safe subset identifies the cluster. */
export function clusterLabels(model: Model): Record<string, string> {
  return { [labelKeys.name]: "kafka", [labelKeys.instance]: model.kafkaName };
}

/** Pods that should not share a node: brokers among brokers, controllers among controllers. */
export function spreadLabels(model: Model, roles: readonly Role[]): Record<string, string> {
  return roles.includes("broker") ? { ...clusterLabels(model), [labelKeys.broker]: "true" } : { ...clusterLabels(model), [labelKeys.component]: "controller" };
}

export function groupLabels(model: Model, component: string): Record<string, string> {
  return { ...clusterLabels(model), [labelKeys.component]: component };
}

export function listenersFor(roles: readonly Role[], sec?: SecurityModel): string {
  if (sec !== undefined)
    return nodeListeners(sec, roles)
      .map((l) => `${l.name}://:${l.port}`)
      .join(",");
  const out: string[] = [];
  // Empty host = every interface of the pod; the address others use is in advertised.listeners.
  if (roles.includes("broker")) out.push(`${listenerNames.client}://:${ports.client.port}`);
  if (roles.includes("controller")) out.push(`${listenerNames.controller}://:${ports.controller.port}`);
  return out.join(",");
}

export const fieldRef = (fieldPath: string) => ({ fieldRef: { fieldPath } });

/** POD_NAME and POD_NAMESPACE: defined before the values that refer to them as $(POD_NAME) and $(POD_NAMESPACE). */
export function podIdentityEnv(): EnvVar[] {
  return [
    { name: "POD_NAME", valueFrom: fieldRef("metadata.name") },
    { name: "POD_NAMESPACE", valueFrom: fieldRef("metadata.namespace") },
  ];
}

/** The env entries that make a node what it is: id, roles, listeners, advertised address. */
export function nodeEnv(roles: readonly Role[], nodeId: EnvVar, advertisedHost: string, sec?: SecurityModel): EnvVar[] {
  return [nodeId, { name: "KAFKA_PROCESS_ROLES", value: roles.join(",") }, ...listenerEnv(roles, advertisedHost, sec)];
}

/**
 * KAFKA_LISTENERS and KAFKA_ADVERTISED_LISTENERS. The listener names (CLIENT, INTERNAL, CONTROLLER) never
 * contain a protocol: the image's start script demands keystore passwords as soon as an advertised
 * listener reads `SSL://`, and a SASL_ one demands a JAAS file; protocols live in listener.security.protocol.map.
 */
export function listenerEnv(roles: readonly Role[], advertisedHost: string, sec?: SecurityModel): EnvVar[] {
  const env: EnvVar[] = [{ name: "KAFKA_LISTENERS", value: listenersFor(roles, sec) }];
  // A controller-only node must not advertise anything: the image refuses to start if it does.
  if (roles.includes("broker"))
    env.push({
      name: "KAFKA_ADVERTISED_LISTENERS",
      value: sec !== undefined ? advertisedListeners(sec, advertisedHost) : `${listenerNames.client}://${advertisedHost}:${ports.client.port}`,
    });
  return env;
}

const portOf = (l: Listener) => ({ name: l.portName, containerPort: l.port });

export function containerPorts(roles: readonly Role[], sec?: SecurityModel) {
  if (sec !== undefined) return nodeListeners(sec, roles).map(portOf);
  return [
    ...(roles.includes("broker") ? [{ name: ports.client.name, containerPort: ports.client.port }] : []),
    ...(roles.includes("controller") ? [{ name: ports.controller.name, containerPort: ports.controller.port }] : []),
  ];
}

export interface KafkaPodOptions {
  roles: readonly Role[];
  env: EnvVar[];
  configMapName: string;
  probesConfigMapName: string;
  image: string;
  /** Off where the shared pod serves nodes of different roles: each node then declares its own ports. */
  ports?: boolean;
}

/**
 * The apache/kafka image always sets KAFKA_JVM_PERFORMANCE_OPTS, so kafka-run-class.sh's G1 defaults never
 * apply and the JVM picks its collector by the pod's size: SerialGC under 2 CPUs or 1792 MiB. Kafka's own
 * defaults are spelled out instead; on an OutOfMemoryError the JVM exits so Kubernetes restarts the node.
 */
export const JVM_PERFORMANCE_OPTS =
  "-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true";

/** Pod spec shared by every Kafka node of a workload; the caller adds labels, per-node env and volumes. */
export function kafkaPodSpec(model: Model, o: KafkaPodOptions) {
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
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: spreadSelector, topologyKey: labelKeys.hostname } }],
      },
    },
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: spreadSelector }],
    containers: [
      {
        name: CONTAINER_NAME,
        image: o.image,
        ...(o.ports !== false && { ports: containerPorts(o.roles) }),
        env: [{ name: "KAFKA_JVM_PERFORMANCE_OPTS", value: JVM_PERFORMANCE_OPTS }, ...o.env],
        envFrom: [{ configMapRef: { name: o.configMapName } }],
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
        ...kafkaProbes(),
        volumeMounts: [
          { name: DATA_VOLUME, mountPath: DATA_MOUNT },
          { name: PROBE_VOLUME, mountPath: PROBE_MOUNT, readOnly: true },
        ],
      },
    ],
    volumes: [{ name: PROBE_VOLUME, configMap: { name: o.probesConfigMapName } }],
  };
}
