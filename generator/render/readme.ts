// overlays/<env>/README.md: the environment for a person, from the same model as
// the manifests next to it: what runs, how to connect, how to try it with the
// image's own scripts. Pure; the wording lives in generator/templates/environment-readme.hbs.
import type { NodeSizing } from "../config/schema.js";
import { argoNames, dirs, ENVIRONMENT_README, ports } from "../layout.js";
import type { EnvironmentModel, Model, NodeGroup } from "../model/model.js";
import { LOCAL_CLIENT_CONFIG, type SecurityModel } from "../model/security.js";
import { nodeHost, nodeIds, nodeZone, podName } from "../model/model.js";
import { markdownFile } from "./files.js";
import { renderTemplate } from "./template.js";
import { syncPolicyText } from "../text.js";

/** Where the apache/kafka image keeps Kafka's command-line tools. */
const KAFKA_BIN = "/opt/kafka/bin";

function ids(group: NodeGroup): string {
  const all = nodeIds(group);
  return all.length === 1 ? `${all[0]}` : `${all[0]}-${all[all.length - 1]}`;
}

function rolesText(group: NodeGroup): string {
  const broker = group.roles.includes("broker");
  const controller = group.roles.includes("controller");
  return broker && controller ? "broker + KRaft voter" : controller ? "KRaft voter (controller only)" : "broker only";
}

function sizing(s: NodeSizing) {
  const limits = [s.resources.limits.cpu !== undefined && `cpu ${s.resources.limits.cpu}`, `memory ${s.resources.limits.memory}`].filter(Boolean).join(", ");
  return {
    storage: `${s.storage.size}, ${s.storage.storageClass !== undefined ? `StorageClass ${s.storage.storageClass}` : "the cluster's default StorageClass"}`,
    resources: `requests cpu ${s.resources.requests.cpu}, memory ${s.resources.requests.memory}; limits ${limits}`,
    heap: s.heap,
  };
}

/** "zone a: kafka-0, kafka-broker-3; zone b: ..." in rack.zones order, or null without rack. */
function zonesText(em: EnvironmentModel): string | null {
  const { rack } = em.env;
  if (rack === undefined) return null;
  const pods = (zone: string) =>
    em.groups.flatMap((g) =>
      nodeIds(g)
        .filter((id) => nodeZone(em.env, g, id) === zone)
        .map((id) => podName(g, id)),
    );
  const placed = rack.zones.map((z) => `\`${z}\`: ${pods(z).join(", ") || "no node yet"}`).join("; ");
  return `pinned to zones by \`${rack.topologyKey}\`, broker.rack = the zone: ${placed}`;
}

/** Everything the template shows, computed here so the template only places it. */
export function readmeData(model: Model, em: EnvironmentModel) {
  const { env } = em;
  const sec = em.security;
  const { names } = model;
  const groups = em.groups.filter((g) => g.count > 0);
  const brokerGroup = groups.find((g) => g.roles.includes("broker"))!;
  const firstBroker = podName(brokerGroup, brokerGroup.firstId);
  const voterIds = groups.filter((g) => g.roles.includes("controller")).flatMap(nodeIds);
  const dedicated = groups.some((g) => !g.roles.includes("broker"));

  const settings = [...new Set([...Object.keys(em.settings), "auto.create.topics.enable"])].sort().map((key) => ({
    key,
    value: em.settings[key] ?? model.sharedSettings[key] ?? "",
    source:
      key in env.config
        ? `environments.${env.name}.config`
        : key in model.config.kafka.config
          ? "kafka.config"
          : key in em.settings
            ? `derived from ${env.brokers} broker${env.brokers === 1 ? "" : "s"}`
            : "kafka-gitops (topics are created on purpose)",
  }));

  const sync = env.sync.automated ? syncPolicyText(env.sync) : `${syncPolicyText(env.sync)}: press Sync in Argo CD after each merge`;

  const workload =
    env.workload === "statefulset"
      ? `StatefulSet${groups.length === 1 ? "" : "s"} ${groups.map((g) => `\`${g.name}\``).join(" and ")}`
      : `one Deployment, Service and PersistentVolumeClaim per node (\`brokers/*.yaml\`)`;

  return {
    name: env.name,
    namespace: env.namespace,
    server: env.server,
    clusterDir: `${dirs.cluster(env.cluster)}/`,
    application: argoNames(model.kafkaName, model.config.argocd.project).application(env.name),
    sync,
    workload,
    topology: dedicated ? "dedicated controller-only voters" : "voters are also brokers",
    brokers: env.brokers,
    controllers: env.controllers,
    voterIds: voterIds.join(", "),
    nodes: groups.map((g) => ({
      name: g.name,
      ids: ids(g),
      roles: rolesText(g),
      pods: g.count === 1 ? podName(g, g.firstId) : `${podName(g, g.firstId)} to ${podName(g, g.firstId + g.count - 1)}`,
    })),
    image: env.image,
    clusterId: em.clusterId,
    broker: sizing(env),
    controller: dedicated ? sizing(env.controllerNodes) : null,
    spread: env.spread === "required" ? "never two Kafka pods on one node" : "spread over nodes when possible",
    pinned: env.nodes !== undefined ? env.nodes.join(", ") : null,
    zones: zonesText(em),
    settings,
    bootstrap: `${names.bootstrap}.${env.namespace}.svc:${sec?.client.port ?? ports.client.port}`,
    advertised: `${nodeHost(env, names, brokerGroup, brokerGroup.firstId)}:${sec?.client.port ?? ports.client.port}`,
    protocol:
      sec === undefined ? "PLAINTEXT" : sec.clients === "scram" ? "SASL_SSL (SCRAM-SHA-512)" : sec.clients === "mtls" ? "TLS with a client certificate" : "TLS",
    // Operator commands from a broker pod: the pod's own listener. With internal TLS the pod's certificate (a super user), else PLAINTEXT.
    tool:
      sec === undefined
        ? `--bootstrap-server ${names.bootstrap}.${env.namespace}.svc:${ports.client.port}`
        : `--bootstrap-server ${nodeHost(env, names, brokerGroup, brokerGroup.firstId)}:${sec.interBroker.port}${sec.internal === "tls" ? ` --command-config ${LOCAL_CLIENT_CONFIG}` : ""}`,
    security: sec === undefined ? null : securityReadme(model, em, sec),
    clientNamespaces: env.clients.namespaces.join(", "),
    // kubectl exec needs a pod; a Deployment's pod name is random, `deploy/<name>` picks it.
    exec: `kubectl -n ${env.namespace} exec -it ${env.workload === "statefulset" ? firstBroker : `deploy/${firstBroker}`} --`,
    bin: KAFKA_BIN,
    replicationFactor: em.settings["default.replication.factor"] ?? "1",
    minIsr: em.settings["min.insync.replicas"] ?? "1",
    partitions: em.settings["num.partitions"] ?? "3",
    overlay: dirs.overlay(env.name),
  };
}

function securityReadme(model: Model, em: EnvironmentModel, sec: SecurityModel) {
  const user = sec.users[0]?.name ?? "NAME";
  const trust = ["ssl.truststore.type=PEM", "ssl.truststore.location=/etc/kafka-client/ca/ca.crt"];
  // Secrets are read from files by Kafka's DirectoryConfigProvider: client.properties itself holds nothing secret.
  const provider = ["config.providers=dir", "config.providers.dir.class=org.apache.kafka.common.config.provider.DirectoryConfigProvider"];
  const props =
    sec.clients === "scram"
      ? [
          ...provider,
          "security.protocol=SASL_SSL",
          "sasl.mechanism=SCRAM-SHA-512",
          `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${user}" password="\${dir:/etc/kafka-client/credentials:password}";`,
          ...trust,
        ]
      : sec.clients === "mtls"
        ? ["security.protocol=SSL", "ssl.keystore.type=PEM", "ssl.keystore.location=/etc/kafka-client/credentials/tls-combined.pem", ...trust]
        : ["security.protocol=SSL", ...trust];
  const users = sec.users.map((u) => `\`${u.name}\` (Secret \`${u.secret}\`)`).join(", ");
  return {
    plaintextInside: sec.internal === "plaintext",
    issuer: sec.ownCa ? "a CA of this environment's own" : `${sec.issuerRef.kind} \`${sec.issuerRef.name}\``,
    superUsers: sec.superUsers.map((u) => `\`${u}\``).join(", "),
    tlsSecret: model.names.tls,
    scram: sec.clients === "scram",
    mtls: sec.clients === "mtls",
    transition: sec.transition,
    credentials:
      sec.clients === "scram"
        ? `Clients authenticate with SCRAM-SHA-512. Users: ${users || "none yet"}; the team creates each Secret in \`${em.env.namespace}\` (key \`password\` unless configured), and the users Job sets the credential after every sync. Mount the same password where the client runs.`
        : sec.clients === "mtls"
          ? `Clients authenticate with a certificate; the principal is its CN. Users: ${users || "none yet"}; cert-manager writes each one's certificate into its Secret in \`${em.env.namespace}\`.`
          : "Clients are not authenticated: every client is User:ANONYMOUS and needs an ACL for that principal.",
    clientProperties: props.join("\n"),
  };
}

export function renderEnvironmentReadme(model: Model, em: EnvironmentModel): [string, string] {
  return [`${dirs.overlay(em.env.name)}/${ENVIRONMENT_README}`, markdownFile(renderTemplate("environment-readme", readmeData(model, em)))];
}
