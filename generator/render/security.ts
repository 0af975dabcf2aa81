// security: base/security (the part every secured environment shares: the TLS volume,
// the certificate reloader, the scripts) and each secured overlay's own objects: the
// cert-manager Issuers and Certificates, the users Job, the listener and Service patches.
// No secret is rendered: cert-manager writes the certificates' Secrets, the team the passwords'.
import {
  annotations,
  CONTAINER_NAME,
  dirs,
  labels as labelKeys,
  MANAGED_BY,
  ports,
  SECURITY_MOUNT,
  SECURITY_VOLUME,
  TLS_MOUNT,
  TLS_RELOAD_CONTAINER,
  TLS_VOLUME,
  USERS_MOUNT,
} from "../layout.js";
import type { EnvironmentModel, Model } from "../model/model.js";
import { nodeHost, nodeIds } from "../model/model.js";
import {
  brokerServiceListeners,
  clientServicePorts,
  KEYSTORE,
  type Listener,
  LOCAL_CLIENT_CONFIG,
  nodeListeners,
  SCRAM_MECHANISM,
  type SecurityModel,
  servicePorts,
  TLS_FILES,
  TRUSTSTORE,
} from "../model/security.js";
import { generatorOptions, metadata } from "./base.js";
import { POD_TOOL_ENV } from "./probes.js";
import { hashCommentFile, yamlFile } from "./files.js";
import { COMPONENT } from "./kustomization.js";
import { listenerEnv, podIdentityEnv } from "./pod.js";

const CERT_MANAGER = "cert-manager.io/v1";
const USERS_SCRIPT = "users.sh";
const RELOAD_SCRIPT = "tls-reload.sh";
const LOCAL_CLIENT = "local-client.properties";
/**
 * Certificates and issuers before every workload: a pod whose certificate Secret does not exist yet cannot start.
 * The generated CA one wave earlier: a CA Issuer whose Secret does not exist yet is Degraded by Argo CD's
 * cert-manager health check, which fails the wave; a Certificate waiting for its issuer is only Progressing.
 */
const CERTIFICATE_WAVE = "-1";
const CA_WAVE = "-2";
/** cert-manager's default lifetime, renewed a month ahead: a failing issuer leaves weeks to notice. */
const NODE_CERT = { duration: "2160h", renewBefore: "720h" };
const CA_CERT = { duration: "87600h", renewBefore: "8760h" };
/** How often the reloader compares the mounted certificate with the one Kafka last loaded. */
const RELOAD_INTERVAL_SECONDS = 30;

export const securityKinds = {
  certificate: { group: "cert-manager.io", kind: "Certificate" },
  issuer: { group: "cert-manager.io", kind: "Issuer" },
  job: { group: "batch", kind: "Job" },
} as const;

// ---------- base/security ----------

export function renderSecurityBase(model: Model): Array<[string, string]> {
  if (!model.environments.some((em) => em.security !== undefined)) return [];
  const dir = dirs.security;
  const target = (kind: string) => ({ kind, labelSelector: `${labelKeys.instance}=${model.kafkaName}` });
  const component = {
    ...COMPONENT,
    configMapGenerator: [{ name: model.names.securityScripts, files: [USERS_SCRIPT, RELOAD_SCRIPT, LOCAL_CLIENT], options: generatorOptions(model) }],
    patches: [
      { path: "statefulset-pod.yaml", target: target("StatefulSet") },
      { path: "deployment-pod.yaml", target: target("Deployment") },
    ],
  };
  const podPatch = (kind: string) => ({
    apiVersion: "apps/v1",
    kind,
    metadata: { name: `every-kafka-${kind.toLowerCase()}` },
    spec: { template: { spec: securedPod(model) } },
  });
  return [
    [
      `${dir}/kustomization.yaml`,
      yamlFile([component], ["Included by every environment with `security`: each Kafka pod mounts its certificate and runs the reloader beside Kafka."]),
    ],
    [`${dir}/statefulset-pod.yaml`, yamlFile([podPatch("StatefulSet")], ["Merged into every Kafka StatefulSet of a secured environment."])],
    [`${dir}/deployment-pod.yaml`, yamlFile([podPatch("Deployment")], ["Merged into every Kafka Deployment of a secured environment."])],
    [
      `${dir}/${USERS_SCRIPT}`,
      hashCommentFile(usersScript(), [
        "The users Job (an Argo CD PostSync hook): sets each SCRAM user's credential from its Secret, idempotently, after every sync.",
        "Usage: users.sh USER...; DELETE_USERS lists users to delete (rendered only with --allow-remove-user).",
      ]),
    ],
    [
      `${dir}/${RELOAD_SCRIPT}`,
      hashCommentFile(reloadScript(), [
        "The tls-reload sidecar: Kafka reads its certificate once; when cert-manager renews it and the kubelet updates the",
        "mounted files, this asks this node's Kafka to load them again, listener by listener, without a restart.",
      ]),
    ],
    [
      `${dir}/${LOCAL_CLIENT}`,
      hashCommentFile(localClientConfig(), [
        "Client config of the tools that run inside a Kafka pod (probes, reloader, the users Job, kubectl exec): mutual TLS with the",
        "pod's own certificate. The tools bootstrap from 127.0.0.1, a name no certificate carries, so host names are not checked;",
        "the CA still is.",
      ]),
    ],
  ];
}

function securedPod(model: Model) {
  const restricted = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
  const mounts = [
    { name: TLS_VOLUME, mountPath: TLS_MOUNT, readOnly: true },
    { name: SECURITY_VOLUME, mountPath: SECURITY_MOUNT, readOnly: true },
  ];
  return {
    containers: [
      { name: CONTAINER_NAME, volumeMounts: mounts },
      {
        name: TLS_RELOAD_CONTAINER,
        image: model.image.name,
        command: ["bash", `${SECURITY_MOUNT}/${RELOAD_SCRIPT}`],
        // The node id: StatefulSet pods carry their ordinal, Deployment-per-broker pods their node-id label (a missing label reads empty).
        env: [
          { name: "POD_INDEX", valueFrom: { fieldRef: { fieldPath: `metadata.labels['${labelKeys.podIndex}']` } } },
          { name: "NODE_ID_LABEL", valueFrom: { fieldRef: { fieldPath: `metadata.labels['${labelKeys.nodeId}']` } } },
        ],
        envFrom: [{ configMapRef: { name: model.names.config } }],
        securityContext: restricted,
        // Idle but for a JVM of a few seconds when a certificate changes.
        resources: { requests: { cpu: "10m", memory: "192Mi" }, limits: { memory: "320Mi" } },
        volumeMounts: mounts,
      },
    ],
    volumes: [
      { name: TLS_VOLUME, secret: { secretName: model.names.tls } },
      { name: SECURITY_VOLUME, configMap: { name: model.names.securityScripts } },
    ],
  };
}

function localClientConfig(): string[] {
  return [
    "security.protocol=SSL",
    "ssl.keystore.type=PEM",
    `ssl.keystore.location=${KEYSTORE}`,
    "ssl.truststore.type=PEM",
    `ssl.truststore.location=${TRUSTSTORE}`,
    "ssl.endpoint.identification.algorithm=",
  ];
}

function usersScript(): string[] {
  return [
    "set -u",
    'cfg=(); [ -n "${PROBE_COMMAND_CONFIG:-}" ] && cfg=(--command-config "$PROBE_COMMAND_CONFIG")',
    `configs() { ${POD_TOOL_ENV} /opt/kafka/bin/kafka-configs.sh --bootstrap-server "$BOOTSTRAP" "\${cfg[@]}" "$@"; }`,
    "failed=()",
    'for user in "$@"; do',
    `  file=${USERS_MOUNT}/$user/password`,
    '  if [ ! -s "$file" ]; then',
    '    echo "user $user: no password: create its Secret (key as configured), e.g. kubectl create secret generic NAME --from-literal=password=..." >&2',
    '    failed+=("$user"); continue',
    "  fi",
    '  password=$(cat "$file")',
    "  # kafka-configs reads the value as a list of key=value pairs in brackets.",
    '  case "$password" in *[],[]*) echo "user $user: the password contains , [ or ], which kafka-configs cannot pass; choose another" >&2; failed+=("$user"); continue ;; esac',
    `  if configs --alter --entity-type users --entity-name "$user" --add-config "${SCRAM_MECHANISM}=[iterations=8192,password=$password]" >/dev/null; then`,
    `    echo "user $user: ${SCRAM_MECHANISM} credential set"`,
    '  else failed+=("$user"); fi',
    "done",
    "for user in ${DELETE_USERS:-}; do",
    `  if out=$(configs --alter --entity-type users --entity-name "$user" --delete-config ${SCRAM_MECHANISM} 2>&1); then echo "user $user: deleted"`,
    '  elif printf \'%s\' "$out" | grep -q "does not exist"; then echo "user $user: no credential (already deleted)"',
    '  else printf \'%s\\n\' "$out" >&2; failed+=("$user"); fi',
    "done",
    'if [ "${#failed[@]}" -gt 0 ]; then echo "failed: ${failed[*]}" >&2; exit 1; fi',
  ];
}

function reloadScript(): string[] {
  const portOf = [
    [ports.secureClient.port, "CLIENT"],
    [ports.internal.port, "INTERNAL"],
    [ports.controller.port, "CONTROLLER"],
  ];
  return [
    "set -u",
    `dir=${TLS_MOUNT}`,
    'id=${POD_INDEX:-}; [ -n "$id" ] || id=${NODE_ID_LABEL:-}',
    `digest() { cat "$dir/${TLS_FILES.combined}" "$dir/${TLS_FILES.ca}" 2>/dev/null | sha256sum | cut -d' ' -f1; }`,
    'listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }',
    `configs() { ${POD_TOOL_ENV} /opt/kafka/bin/kafka-configs.sh "$@"; }`,
    "port_of() { case $1 in " + portOf.map(([p, n]) => `${n}) echo ${p} ;;`).join(" ") + " *) return 1 ;; esac; }",
    "",
    "# Every TLS listener this node opens. Altering its keystore and truststore to the same paths makes Kafka",
    "# load the files again (it reloads a file whose modification time changed); the entries are then deleted",
    "# so the static config stays the only source of these settings.",
    "reload() {",
    "  local entry name port target rc=0 cfg=()",
    '  [ -n "${PROBE_COMMAND_CONFIG:-}" ] && cfg=(--command-config "$PROBE_COMMAND_CONFIG")',
    '  IFS=, read -ra entries <<< "${KAFKA_LISTENER_SECURITY_PROTOCOL_MAP:-}"',
    '  for entry in "${entries[@]}"; do',
    '    case "${entry#*:}" in SSL|SASL_SSL) ;; *) continue ;; esac',
    '    name=${entry%%:*}; port=$(port_of "$name") || continue',
    '    listening "$port" || continue',
    '    if [ "$name" = CONTROLLER ]; then target=(--bootstrap-controller "127.0.0.1:$port"); else target=(--bootstrap-server "127.0.0.1:${PROBE_BROKER_PORT}"); fi',
    '    local keys="listener.name.${name,,}.ssl.keystore.location,listener.name.${name,,}.ssl.truststore.location"',
    `    configs "\${target[@]}" "\${cfg[@]}" --entity-type brokers --entity-name "$id" --alter --add-config "listener.name.\${name,,}.ssl.keystore.location=$dir/${TLS_FILES.combined},listener.name.\${name,,}.ssl.truststore.location=$dir/${TLS_FILES.ca}" >/dev/null || rc=1`,
    '    configs "${target[@]}" "${cfg[@]}" --entity-type brokers --entity-name "$id" --alter --delete-config "$keys" >/dev/null || rc=1',
    '    [ "$rc" = 0 ] && echo "reloaded the certificate of listener $name"',
    "  done",
    "  return $rc",
    "}",
    "",
    "# PID 1 of its container: a shell ignores SIGTERM unless it traps it, and every pod deletion (each step of a",
    "# roll) would wait out the whole grace period. The sleep runs in the background so the trap fires at once.",
    "trap 'exit 0' TERM INT",
    "loaded=$(digest)",
    "while :; do",
    `  sleep "\${TLS_RELOAD_INTERVAL_SECONDS:-${RELOAD_INTERVAL_SECONDS}}" & wait $!`,
    "  now=$(digest)",
    '  [ "$now" = "$loaded" ] && continue',
    '  if reload; then loaded=$now; else echo "reload failed; retrying" >&2; fi',
    "done",
  ];
}

// ---------- overlays/<env>/ ----------

export interface SecurityOverlay {
  resources: string[];
  components: string[];
  patches: unknown[];
  files: Array<[string, string]>;
}

export function securityOverlay(model: Model, em: EnvironmentModel, removedUsers: readonly string[] = []): SecurityOverlay | undefined {
  const sec = em.security;
  if (sec === undefined) return undefined;
  const statefulSet = em.env.workload === "statefulset";
  return {
    resources: ["security.yaml"],
    components: [`../../${dirs.security}`],
    patches: [{ path: "services.yaml" }, ...(statefulSet ? [{ path: "listeners.yaml" }] : [])],
    files: [
      ["security.yaml", yamlFile(securityObjects(model, em, sec, removedUsers), securityNotes(em, sec))],
      ["services.yaml", yamlFile(servicePatches(model, sec), ["The Services' ports follow the listeners of `security`."])],
      ...(statefulSet
        ? [
            [
              "listeners.yaml",
              yamlFile(listenerPatches(model, em, sec), ["Each StatefulSet's listeners with `security`: names, ports and what it advertises."]),
            ] as [string, string],
          ]
        : []),
    ],
  };
}

function securityNotes(em: EnvironmentModel, sec: SecurityModel): string[] {
  const issuer = sec.ownCa ? "a CA of this environment's own (generated by cert-manager)" : `${sec.issuerRef.kind} ${sec.issuerRef.name}`;
  return [
    `Certificates from ${issuer}; cert-manager writes them into Secrets, nothing secret is in Git.`,
    ...(sec.clients === "scram" && sec.users.length > 0 ? [`The users Job reads each password from the Secret the team created in ${em.env.namespace}.`] : []),
  ];
}

function securityObjects(model: Model, em: EnvironmentModel, sec: SecurityModel, removedUsers: readonly string[]): unknown[] {
  const { names } = model;
  const wave = { [annotations.argoSyncWave]: CERTIFICATE_WAVE };
  const caWave = { [annotations.argoSyncWave]: CA_WAVE };
  const issuerRef = { group: "cert-manager.io", kind: sec.issuerRef.kind, name: sec.issuerRef.name };
  // ECDSA P-256 in PKCS#8: the form Kafka's PEM keystore reads without a password.
  const privateKey = { algorithm: "ECDSA", size: 256, encoding: "PKCS8", rotationPolicy: "Always" };
  const certificate = (name: string, secretName: string, spec: Record<string, unknown>, extraLabels: Record<string, string> = {}) => ({
    apiVersion: CERT_MANAGER,
    kind: "Certificate",
    metadata: { ...metadata(model, name, extraLabels), annotations: wave },
    spec: {
      secretName,
      ...spec,
      ...NODE_CERT,
      privateKey,
      // tls-combined.pem (key and chain in one file) is what ssl.keystore.location reads.
      additionalOutputFormats: [{ type: "CombinedPEM" }],
      issuerRef,
      secretTemplate: { labels: metadata(model, secretName).labels },
    },
  });
  const out: unknown[] = [];
  if (sec.ownCa)
    out.push(
      { apiVersion: CERT_MANAGER, kind: "Issuer", metadata: { ...metadata(model, names.selfSignedIssuer), annotations: caWave }, spec: { selfSigned: {} } },
      {
        apiVersion: CERT_MANAGER,
        kind: "Certificate",
        metadata: { ...metadata(model, names.ca), annotations: caWave },
        spec: {
          secretName: names.ca,
          isCA: true,
          commonName: `${em.env.namespace}-ca`,
          ...CA_CERT,
          privateKey: { algorithm: "ECDSA", size: 256, encoding: "PKCS8" },
          issuerRef: { group: "cert-manager.io", kind: "Issuer", name: names.selfSignedIssuer },
        },
      },
      { apiVersion: CERT_MANAGER, kind: "Issuer", metadata: { ...metadata(model, names.ca), annotations: wave }, spec: { ca: { secretName: names.ca } } },
    );
  out.push(
    certificate(names.tls, names.tls, {
      // The nodes' principal: mutual TLS between brokers and controllers, a super user.
      commonName: sec.principals.node,
      dnsNames: sec.dnsNames,
      usages: ["digital signature", "server auth", "client auth"],
    }),
    certificate(names.adminTls, names.adminTls, { commonName: sec.principals.admin, usages: ["digital signature", "client auth"] }),
  );
  if (sec.clients === "mtls")
    for (const u of sec.users)
      out.push(
        certificate(
          names.userCertificate(u.name),
          u.secret,
          { commonName: u.name, usages: ["digital signature", "client auth"] },
          { [labelKeys.user]: u.name },
        ),
      );
  if (sec.clients === "scram" && (sec.users.length > 0 || removedUsers.length > 0)) out.push(usersJob(model, em, sec, removedUsers));
  return out;
}

function usersJob(model: Model, em: EnvironmentModel, sec: SecurityModel, removedUsers: readonly string[]) {
  const { names } = model;
  const podLabels = { [labelKeys.name]: names.usersJob, [labelKeys.instance]: model.kafkaName };
  const bootstrap = em.groups
    .filter((g) => g.roles.includes("broker"))
    .flatMap((g) => nodeIds(g).map((id) => `${nodeHost(em.env, names, g, id)}:${sec.interBroker.port}`))
    .join(",");
  const tlsInside = sec.internal === "tls";
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: names.usersJob,
      labels: { ...podLabels, [labelKeys.managedBy]: MANAGED_BY },
      // After every sync that left the cluster healthy; the previous run's Job is replaced.
      annotations: { "argocd.argoproj.io/hook": "PostSync", "argocd.argoproj.io/hook-delete-policy": "BeforeHookCreation" },
    },
    spec: {
      backoffLimit: 3,
      activeDeadlineSeconds: 600,
      template: {
        metadata: { labels: podLabels },
        spec: {
          restartPolicy: "Never",
          enableServiceLinks: false,
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
          containers: [
            {
              name: "users",
              image: model.image.name,
              command: ["bash", `${SECURITY_MOUNT}/${USERS_SCRIPT}`],
              args: sec.users.map((u) => u.name),
              env: [
                { name: "BOOTSTRAP", value: bootstrap },
                ...(tlsInside ? [{ name: "PROBE_COMMAND_CONFIG", value: LOCAL_CLIENT_CONFIG }] : []),
                ...(removedUsers.length > 0 ? [{ name: "DELETE_USERS", value: [...removedUsers].sort().join(" ") }] : []),
              ],
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
              resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
              volumeMounts: [
                // The admin certificate in place of a node's: the same client config works.
                { name: TLS_VOLUME, mountPath: TLS_MOUNT, readOnly: true },
                { name: SECURITY_VOLUME, mountPath: SECURITY_MOUNT, readOnly: true },
                ...sec.users.map((u) => ({ name: userVolume(u.name), mountPath: `${USERS_MOUNT}/${u.name}`, readOnly: true })),
              ],
            },
          ],
          volumes: [
            { name: TLS_VOLUME, secret: { secretName: names.adminTls } },
            { name: SECURITY_VOLUME, configMap: { name: names.securityScripts } },
            // Optional: a missing Secret is reported by the script by name instead of holding the pod in ContainerCreating.
            ...sec.users.map((u) => ({
              name: userVolume(u.name),
              secret: { secretName: u.secret, optional: true, items: [{ key: u.key, path: "password" }] },
            })),
          ],
        },
      },
    },
  };
}

const userVolume = (name: string) => `user-${name.replace(/\./g, "-")}`;

/** Strategic-merge patches of the base Services: add the listeners' ports, drop 9092 where nothing listens on it for clients. */
function servicePatches(model: Model, sec: SecurityModel): unknown[] {
  const patch = (name: string, listeners: Listener[], keep9092: boolean) => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name },
    spec: {
      ports: [...servicePorts(listeners.filter((l) => l.port !== ports.client.port)), ...(keep9092 ? [] : [{ port: ports.client.port, $patch: "delete" }])],
    },
  });
  const headless = brokerServiceListeners(sec);
  const bootstrap = clientServicePorts(sec);
  return [
    patch(
      model.names.headless,
      headless,
      headless.some((l) => l.port === ports.client.port),
    ),
    patch(
      model.names.bootstrap,
      bootstrap,
      bootstrap.some((l) => l.port === ports.client.port),
    ),
  ];
}

/** Per StatefulSet: its listeners replace the PLAINTEXT ones of base/ (the combined and the broker-only StatefulSets differ). */
function listenerPatches(model: Model, em: EnvironmentModel, sec: SecurityModel): unknown[] {
  return em.groups.map((g) => {
    const listeners = nodeListeners(sec, g.roles);
    const hasBroker = g.roles.includes("broker");
    const portChanges = [
      ...listeners.filter((l) => l.port !== ports.client.port && l.port !== ports.controller.port).map((l) => ({ name: l.portName, containerPort: l.port })),
      ...(hasBroker && !listeners.some((l) => l.port === ports.client.port) ? [{ containerPort: ports.client.port, $patch: "delete" }] : []),
    ];
    return {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: g.name },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: CONTAINER_NAME,
                // An empty list would replace the ports of base/ instead of merging.
                ...(portChanges.length > 0 && { ports: portChanges }),
                // A merge puts the patch's entries first, in its order: POD_NAME and POD_NAMESPACE come along so they stay
                // defined before the $(POD_NAME) and $(POD_NAMESPACE) that the advertised listeners refer to.
                env: [...podIdentityEnv(), ...listenerEnv(g.roles, `$(POD_NAME).${model.names.headless}.$(POD_NAMESPACE).svc`, sec)],
              },
            ],
          },
        },
      },
    };
  });
}
