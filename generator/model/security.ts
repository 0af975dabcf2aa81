// model/security: what `security` makes of an environment: its listeners, the
// server.properties that wire TLS, SASL and the authorizer, the principals and the
// certificate names. Decided here once; renderers only place it into files.
import type { Environment, Security } from "../config/schema.js";
import { listenerNames, type objectNames, ports, SECURITY_MOUNT, TLS_MOUNT } from "../layout.js";
import type { Role, Settings } from "./model.js";

/** Files cert-manager writes into a certificate's Secret (CombinedPEM: the key, then the chain). */
export const TLS_FILES = { combined: "tls-combined.pem", ca: "ca.crt" } as const;
export const KEYSTORE = `${TLS_MOUNT}/${TLS_FILES.combined}`;
export const TRUSTSTORE = `${TLS_MOUNT}/${TLS_FILES.ca}`;
/** The local tools' client config (base/security): the pod's own certificate, mutual TLS on the internal listener. */
export const LOCAL_CLIENT_CONFIG = `${SECURITY_MOUNT}/local-client.properties`;

/** Maps a certificate's subject to its principal: a subject that is exactly one CN becomes that name, any other stays the whole DN (and matches no principal kafka-gitops writes). */
export const PRINCIPAL_MAPPING_RULES = "RULE:^CN=([^,]+)$/$1/,DEFAULT";
export const STANDARD_AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";
export const SCRAM_MECHANISM = "SCRAM-SHA-512";
const SCRAM_LOGIN_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule required;";

export interface Listener {
  name: string;
  port: number;
  portName: string;
  protocol: string;
}

export interface SecurityModel extends Security {
  /** The Issuer or ClusterIssuer that signs the nodes', admin and user certificates. */
  issuerRef: { kind: "Issuer" | "ClusterIssuer"; name: string };
  /** True when no issuer was named: the environment's own CA is generated. */
  ownCa: boolean;
  /** The nodes' certificate CN (their principal) and the admin certificate's, both namespace-specific: another environment's certificates from a shared issuer are no super users here. */
  principals: { node: string; admin: string };
  /** super.users: the nodes, the admin, the configured superUsers and, with plaintext internal traffic, ANONYMOUS (the PLAINTEXT listener's principal). */
  superUsers: string[];
  /** The clients' listener, the inter-broker listener and the controller listener. */
  client: Listener;
  interBroker: Listener;
  controller: Listener;
  /** DNS names of the nodes' certificate: wildcards, so scaling never changes the certificate. */
  dnsNames: string[];
  /** server.properties that security adds or overrides. */
  settings: Settings;
  /** Variables of the environment's ConfigMap that are not Kafka settings: how the probes and the reloader reach this node. */
  localEnv: Record<string, string>;
}

const clientProtocol = (s: Security) => (s.clients === "scram" ? "SASL_SSL" : "SSL");

export function securityModel(env: Environment, names: ReturnType<typeof objectNames>): SecurityModel | undefined {
  const s = env.security;
  if (s === undefined) return undefined;
  const tlsInside = s.internal === "tls";
  const client: Listener = { name: listenerNames.secureClient, port: ports.secureClient.port, portName: ports.secureClient.name, protocol: clientProtocol(s) };
  const interBroker: Listener = tlsInside
    ? { name: listenerNames.internal, port: ports.internal.port, portName: ports.internal.name, protocol: "SSL" }
    : { name: listenerNames.client, port: ports.client.port, portName: ports.client.name, protocol: "PLAINTEXT" };
  const controller: Listener = {
    name: listenerNames.controller,
    port: ports.controller.port,
    portName: ports.controller.name,
    protocol: tlsInside ? "SSL" : "PLAINTEXT",
  };
  const principals = { node: `${env.namespace}-node`, admin: `${env.namespace}-admin` };
  const superUsers = [principals.node, principals.admin, ...s.superUsers.filter((u) => u !== principals.node && u !== principals.admin)].map(
    (u) => `User:${u}`,
  );
  if (!tlsInside) superUsers.push("User:ANONYMOUS");
  const lower = (l: Listener) => l.name.toLowerCase();
  const settings: Settings = {
    "listener.security.protocol.map": [client, interBroker, controller].map((l) => `${l.name}:${l.protocol}`).join(","),
    "inter.broker.listener.name": interBroker.name,
    // PEM straight from the cert-manager Secret: no keystore, so no keystore password exists anywhere.
    "ssl.keystore.type": "PEM",
    "ssl.keystore.location": KEYSTORE,
    "ssl.truststore.type": "PEM",
    "ssl.truststore.location": TRUSTSTORE,
    "ssl.principal.mapping.rules": PRINCIPAL_MAPPING_RULES,
    "authorizer.class.name": STANDARD_AUTHORIZER,
    "allow.everyone.if.no.acl.found": "false",
    "super.users": superUsers.join(";"),
    ...(tlsInside && {
      [`listener.name.${lower(interBroker)}.ssl.client.auth`]: "required",
      [`listener.name.${lower(controller)}.ssl.client.auth`]: "required",
    }),
    ...(s.clients === "mtls" && { [`listener.name.${lower(client)}.ssl.client.auth`]: "required" }),
    ...(s.clients === "scram" && {
      [`listener.name.${lower(client)}.sasl.enabled.mechanisms`]: SCRAM_MECHANISM,
      // The login module only: the broker checks passwords against the SCRAM credentials in the metadata log.
      [`listener.name.${lower(client)}.${SCRAM_MECHANISM.toLowerCase()}.sasl.jaas.config`]: SCRAM_LOGIN_MODULE,
    }),
  };
  const domains = (host: string) => [host, `${host}.cluster.local`];
  const svc = `${env.namespace}.svc`;
  const dnsNames =
    env.workload === "statefulset"
      ? [
          ...domains(`*.${names.headless}.${svc}`),
          ...domains(`${names.headless}.${svc}`),
          names.bootstrap,
          `${names.bootstrap}.${env.namespace}`,
          ...domains(`${names.bootstrap}.${svc}`),
        ]
      : // Per-node Services are named like the pods, one label below the namespace.
        [...domains(`*.${svc}`), names.bootstrap, `${names.bootstrap}.${env.namespace}`];
  return {
    ...s,
    issuerRef: s.issuer ?? { kind: "Issuer", name: names.ca },
    ownCa: s.issuer === undefined,
    principals,
    superUsers,
    client,
    interBroker,
    controller,
    dnsNames,
    settings,
    localEnv: {
      PROBE_BROKER_PORT: String(interBroker.port),
      ...(tlsInside && { PROBE_COMMAND_CONFIG: LOCAL_CLIENT_CONFIG }),
    },
  };
}

/** The listeners a node of these roles opens, for KAFKA_LISTENERS and its container ports. */
export function nodeListeners(sec: SecurityModel, roles: readonly Role[]): Listener[] {
  const out: Listener[] = [];
  if (roles.includes("broker")) out.push(sec.client, sec.interBroker);
  if (roles.includes("controller")) out.push(sec.controller);
  return out;
}

/** The listeners a broker advertises (a controller-only node advertises none). */
export function advertisedListeners(sec: SecurityModel, host: string): string {
  return [sec.client, sec.interBroker].map((l) => `${l.name}://${host}:${l.port}`).join(",");
}

/** Ports of the bootstrap and per-broker Services: the clients' listener, and during a transition the PLAINTEXT one too. */
export function clientServicePorts(sec: SecurityModel): Listener[] {
  return sec.transition ? [sec.client, plaintextListener()] : [sec.client];
}

export function plaintextListener(): Listener {
  return { name: listenerNames.client, port: ports.client.port, portName: ports.client.name, protocol: "PLAINTEXT" };
}

/** Ports of a Service that fronts brokers by their advertised name (the headless or a per-node Service): every listener they advertise. */
export function brokerServiceListeners(sec: SecurityModel): Listener[] {
  return unique([sec.client, sec.interBroker, ...clientServicePorts(sec)]);
}

function unique(ls: Listener[]): Listener[] {
  return ls.filter((l, i) => ls.findIndex((o) => o.port === l.port) === i);
}

/** Service port entries; port and targetPort are the same number, named after the container port. */
export function servicePorts(ls: Listener[]) {
  return ls.map((l) => ({ name: l.portName, port: l.port, targetPort: l.portName }));
}
