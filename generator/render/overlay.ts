// overlays/<env>/: only what differs per environment. A change to one
// environment shows up only under its own folder.
import type { NodeSizing } from "../config/schema.js";
import { annotations, CONTAINER_NAME, dirs, LOCAL_DIR, labels as labelKeys, MANAGED_BY, ports } from "../layout.js";
import type { EnvironmentModel, Model, Role, Settings } from "../model/model.js";
import { settingsToEnv } from "./base.js";
import { renderBrokerFiles } from "./deployment.js";
import { envFile, yamlFile } from "./files.js";
import { imageEntry, KUSTOMIZATION } from "./kustomization.js";
import { clusterLabels, spreadLabels } from "./pod.js";
import { startupFailureThreshold } from "./probes.js";
import { volumeClaimTemplate } from "./statefulset.js";
import { securityOverlay } from "./security.js";
import { clientServicePorts } from "../model/security.js";

/** Settings the overlay must add or override on top of base/common/kafka.env. */
export function overlaySettings(model: Model, em: EnvironmentModel): Settings {
  const out: Settings = { "controller.quorum.voters": em.voters };
  for (const [k, v] of Object.entries(em.settings)) if (model.sharedSettings[k] !== v) out[k] = v;
  return out;
}

/**
 * `withLocal`: overlays/<env>/local/ exists with a kustomization, so the overlay lists it
 * as the last component. A Component, not a resource folder: its patches act on the
 * generated objects (a resource folder's patches only reach its own files), and its
 * objects get the overlay's namespace and labels like every generated one.
 */
export function renderOverlay(model: Model, em: EnvironmentModel, withLocal = false, removedUsers: readonly string[] = []): Array<[string, string]> {
  const { env } = em;
  const dir = dirs.overlay(env.name);
  const workload = em.base === "deployment-per-broker" ? deploymentOverlay(model, em) : statefulSetOverlay(model, em);
  const security = securityOverlay(model, em, removedUsers);
  const kustomization = {
    ...KUSTOMIZATION,
    namespace: env.namespace,
    resources: [
      ...workload.resources,
      "namespace.yaml",
      "network-policy.yaml",
      ...(security?.resources ?? []),
      ...workload.files.filter(([p]) => p.startsWith("brokers/")).map(([p]) => p),
    ],
    // The workload component patches the per-node Deployments first, security adds its containers; the image component then pins the image they set.
    components: [...workload.components, ...(security?.components ?? []), `../../${dirs.image}`, ...(withLocal ? [LOCAL_DIR] : [])],
    labels: [{ pairs: { [labelKeys.environment]: env.name }, includeSelectors: false }],
    ...(env.image !== model.config.kafka.image && { images: [imageEntry(model.image.name, em.image)] }),
    ...workload.kustomization,
    configMapGenerator: [{ name: model.names.config, behavior: "merge", envs: ["kafka.env"] }],
    patches: [...workload.patches, ...(security?.patches ?? [])],
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
    [`${dir}/network-policy.yaml`, yamlFile([networkPolicy(model, em)], networkPolicyNotes(em))],
    [
      `${dir}/kafka.env`,
      envFile({ CLUSTER_ID: em.clusterId, ...settingsToEnv(overlaySettings(model, em)), ...em.security?.localEnv }, [
        `server.properties of environment ${env.name} on top of base/common/kafka.env.`,
        "CLUSTER_ID and the voters are fixed for the life of the cluster: changing them on existing volumes stops every node.",
        ...(em.security !== undefined
          ? ["PROBE_* (not Kafka settings): the port and client config the probes and the certificate reloader use on this node."]
          : []),
      ]),
    ],
    ...workload.files.map(([p, text]): [string, string] => [`${dir}/${p}`, text]),
    ...(security?.files ?? []).map(([p, text]): [string, string] => [`${dir}/${p}`, text]),
  ];
}

interface WorkloadOverlay {
  resources: string[];
  components: string[];
  kustomization: Record<string, unknown>;
  patches: unknown[];
  files: Array<[string, string]>;
}

const brokerTarget = (model: Model, kind: string) => ({
  kind,
  labelSelector: `${labelKeys.instance}=${model.kafkaName},${labelKeys.component}!=controller`,
});
const controllerTarget = (model: Model, kind: string) => ({
  kind,
  labelSelector: `${labelKeys.instance}=${model.kafkaName},${labelKeys.component}=controller`,
});

function statefulSetOverlay(model: Model, em: EnvironmentModel): WorkloadOverlay {
  const { env } = em;
  const brokerGroup = em.groups.find((g) => g.kind === "broker")!;
  const patch = (name: string, sizing: NodeSizing, roles: Role[]) => ({
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name },
    spec: {
      template: { spec: podSettings(model, em, sizing, roles) },
      volumeClaimTemplates: [volumeClaimTemplate(model, sizing.storage.size, sizing.storage.storageClass)],
    },
  });
  const dedicated = env.topology === "dedicated";
  return {
    resources: [`../../${dirs.workload(em.base)}`],
    components: [],
    kustomization: { replicas: em.groups.map((g) => ({ name: g.name, count: g.count })) },
    patches: [
      { path: "statefulsets.yaml", target: brokerTarget(model, "StatefulSet") },
      ...(dedicated ? [{ path: "controller-statefulset.yaml", target: controllerTarget(model, "StatefulSet") }] : []),
      {
        // Broker-only ordinals continue after the voters, so a pod's ordinal is its node.id.
        patch: `apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: ${brokerGroup.name}\nspec:\n  ordinals:\n    start: ${brokerGroup.firstId}\n`,
      },
    ],
    files: [
      [
        "statefulsets.yaml",
        yamlFile([patch("every-broker-statefulset", env, ["broker"])], ["Applies to every Kafka StatefulSet with the broker role in this environment."]),
      ],
      ...(dedicated
        ? [
            [
              "controller-statefulset.yaml",
              yamlFile([patch("every-controller-statefulset", env.controllerNodes, ["controller"])], ["Applies to the controller-only StatefulSet."]),
            ] as [string, string],
          ]
        : []),
    ],
  };
}

function deploymentOverlay(model: Model, em: EnvironmentModel): WorkloadOverlay {
  const { env } = em;
  const patch = (name: string, sizing: NodeSizing, roles: Role[]) => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name },
    spec: { template: { spec: podSettings(model, em, sizing, roles) } },
  });
  const dedicated = env.topology === "dedicated";
  return {
    resources: [`../../${dirs.common}`],
    components: [`../../${dirs.workload("deployment-per-broker")}`],
    kustomization: {},
    patches: [
      { path: "deployments.yaml", target: brokerTarget(model, "Deployment") },
      ...(dedicated ? [{ path: "controller-deployments.yaml", target: controllerTarget(model, "Deployment") }] : []),
    ],
    files: [
      [
        "deployments.yaml",
        yamlFile([patch("every-broker-deployment", env, ["broker"])], ["Applies to every Kafka Deployment with the broker role in this environment."]),
      ],
      ...(dedicated
        ? [
            [
              "controller-deployments.yaml",
              yamlFile([patch("every-controller-deployment", env.controllerNodes, ["controller"])], ["Applies to every controller-only Deployment."]),
            ] as [string, string],
          ]
        : []),
      ...renderBrokerFiles(model, em),
    ],
  };
}

/** Per-environment pod settings of one role: resources, heap and placement. */
function podSettings(model: Model, em: EnvironmentModel, sizing: NodeSizing, roles: Role[]) {
  const { env } = em;
  const podAntiAffinity =
    env.spread === "required"
      ? {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchLabels: spreadLabels(model, roles) }, topologyKey: "kubernetes.io/hostname" },
          ],
        }
      : undefined;
  // A StatefulSet cannot pin ordinal i to a node; restricting it to the listed nodes (one broker each when spread is required) is the closest.
  const nodeAffinity =
    env.nodes !== undefined && env.workload === "statefulset" && roles.includes("broker")
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
        name: CONTAINER_NAME,
        env: [{ name: "KAFKA_HEAP_OPTS", value: `-Xmx${sizing.heap} -Xms${sizing.heap}` }],
        resources: { requests: sizing.resources.requests, limits: sizing.resources.limits },
        // More data takes longer to recover after an unclean stop; the startup probe waits that long before giving up.
        startupProbe: { failureThreshold: startupFailureThreshold(sizing.storage.size) },
      },
    ],
  };
}

/**
 * Kafka's own pods reach every port (replication, the quorum); client
 * namespaces reach only the client port, so nothing else can talk to the controllers.
 */
function networkPolicy(model: Model, em: EnvironmentModel) {
  const sec = em.security;
  const clientPorts = sec !== undefined ? clientServicePorts(sec).map((l) => l.port) : [ports.client.port];
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: model.names.networkPolicy, labels: { ...clusterLabels(model), [labelKeys.managedBy]: MANAGED_BY } },
    spec: {
      podSelector: { matchLabels: clusterLabels(model) },
      policyTypes: ["Ingress"],
      ingress: [
        { from: [{ podSelector: { matchLabels: clusterLabels(model) } }] },
        {
          from: em.env.clients.namespaces.map((ns) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } })),
          ports: clientPorts.map((port) => ({ protocol: "TCP", port })),
        },
        // The users Job talks to the brokers' inter-broker listener with the admin certificate.
        ...(sec?.clients === "scram"
          ? [
              {
                from: [{ podSelector: { matchLabels: { [labelKeys.name]: model.names.usersJob, [labelKeys.instance]: model.kafkaName } } }],
                ports: [{ protocol: "TCP", port: sec.interBroker.port }],
              },
            ]
          : []),
      ],
    },
  };
}

function networkPolicyNotes(em: EnvironmentModel): string[] {
  const sec = em.security;
  if (sec === undefined)
    return [`Clients in ${em.env.clients.namespaces.join(", ")} may reach port ${ports.client.port}; only Kafka's own pods reach the controller port.`];
  const clientPorts = clientServicePorts(sec).map((l) => l.port);
  return [
    `Clients in ${em.env.clients.namespaces.join(", ")} may reach port${clientPorts.length > 1 ? "s" : ""} ${clientPorts.join(" and ")}${sec.transition ? " (9092 only until the transition ends)" : ""};`,
    `only Kafka's own pods reach the inter-broker (${sec.interBroker.port}) and controller (${sec.controller.port}) ports${sec.clients === "scram" ? ", and the users Job the inter-broker one" : ""}.`,
  ];
}

function describeSize(em: EnvironmentModel): string {
  const { env } = em;
  const voters = `${env.controllers} KRaft voter${env.controllers === 1 ? "" : "s"}`;
  const layout = env.topology === "dedicated" ? `${voters} on dedicated controller nodes` : `${voters} among them`;
  return `${env.brokers} broker${env.brokers === 1 ? "" : "s"}, ${layout}, ${env.workload}`;
}
