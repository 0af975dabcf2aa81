import test from "ava";
import {
  checkKafkaCluster,
  decodeKafkaEnv,
  expandKubernetesVars,
  kafkaNodes,
  parseJavaProperties,
  parseJvmSize,
  parseKubernetesQuantity,
  resolveEndpoint,
  resolveHost,
} from "./support/kafka-nodes.js";

// ---------------------------------------------------------------------------------------------
// Hand-built clusters. Each builder returns fresh objects, so tests may mutate them freely.
// ---------------------------------------------------------------------------------------------

const CLUSTER_ID = "MkU3OEVBNTcwNTJENDM2Qg";

function range(n: number, start = 0): number[] {
  return Array.from({ length: n }, (_, i) => start + i);
}

function probes(readyPort: number) {
  return {
    startupProbe: { tcpSocket: { port: readyPort }, periodSeconds: 10, failureThreshold: 60 },
    readinessProbe: { tcpSocket: { port: readyPort } },
    livenessProbe: { tcpSocket: { port: readyPort } },
  };
}

function podSecurity() {
  return { enableServiceLinks: false, securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 } };
}

function claimTemplate(name = "data") {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name },
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } },
  };
}

function replicationEnv(brokers: number): Record<string, string> {
  const rf = String(Math.min(3, brokers));
  const isr = String(Math.min(2, Math.max(1, brokers - 1)));
  return {
    KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: rf,
    KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: rf,
    KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: isr,
    KAFKA_DEFAULT_REPLICATION_FACTOR: rf,
    KAFKA_MIN_INSYNC_REPLICAS: isr,
    KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: rf,
    KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: isr,
  };
}

const POD_IDENTITY_ENV = [
  { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
  { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
  { name: "KAFKA_NODE_ID", valueFrom: { fieldRef: { fieldPath: "metadata.labels['apps.kubernetes.io/pod-index']" } } },
];

function headlessService(namespace: string, name: string, selector: Record<string, string>) {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace },
    spec: {
      clusterIP: "None",
      publishNotReadyAddresses: true,
      selector,
      ports: [
        { name: "client", port: 9092 },
        { name: "controller", port: 9093 },
      ],
    },
  };
}

function bootstrapService(namespace: string, name: string, selector: Record<string, string>) {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace },
    spec: { selector, ports: [{ name: "client", port: 9092, targetPort: 9092 }] },
  };
}

function disruptionBudget(namespace: string, selector: Record<string, string>) {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: "kafka", namespace },
    spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
  };
}

/** Combined-mode StatefulSet, config from a ConfigMap, identity from the downward API. */
function statefulCluster(replicas = 3): any[] {
  const ns = "kafka-dev";
  const host = (i: number) => `kafka-${i}.kafka-headless.${ns}.svc.cluster.local`;
  return [
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "kafka-config", namespace: ns },
      data: {
        CLUSTER_ID,
        KAFKA_PROCESS_ROLES: "broker,controller",
        KAFKA_LISTENERS: "PLAINTEXT://:9092,CONTROLLER://:9093",
        KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        KAFKA_INTER_BROKER_LISTENER_NAME: "PLAINTEXT",
        KAFKA_CONTROLLER_QUORUM_VOTERS: range(replicas)
          .map((i) => `${i}@${host(i)}:9093`)
          .join(","),
        KAFKA_LOG_DIRS: "/var/lib/kafka/data/logs",
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: "false",
        ...replicationEnv(replicas),
      },
    },
    headlessService(ns, "kafka-headless", { app: "kafka" }),
    bootstrapService(ns, "kafka", { app: "kafka" }),
    {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "kafka", namespace: ns },
      spec: {
        replicas,
        serviceName: "kafka-headless",
        podManagementPolicy: "Parallel",
        selector: { matchLabels: { app: "kafka" } },
        template: {
          metadata: { labels: { app: "kafka" } },
          spec: {
            ...podSecurity(),
            containers: [
              {
                name: "kafka",
                image: "apache/kafka:4.1.0",
                ports: [
                  { name: "client", containerPort: 9092 },
                  { name: "controller", containerPort: 9093 },
                ],
                envFrom: [{ configMapRef: { name: "kafka-config" } }],
                env: [
                  ...POD_IDENTITY_ENV,
                  { name: "KAFKA_ADVERTISED_LISTENERS", value: "PLAINTEXT://$(POD_NAME).kafka-headless.$(POD_NAMESPACE).svc.cluster.local:9092" },
                  { name: "KAFKA_HEAP_OPTS", value: "-Xms1g -Xmx1g" },
                ],
                volumeMounts: [{ name: "data", mountPath: "/var/lib/kafka/data" }],
                ...probes(9092),
                resources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { memory: "2Gi" } },
              },
            ],
          },
        },
        volumeClaimTemplates: [claimTemplate()],
      },
    },
    disruptionBudget(ns, { app: "kafka" }),
  ];
}

/** Seed 001: one Deployment, Service and PVC per combined node; fixed node ids 1 and 2. */
function deploymentCluster(): any[] {
  const ns = "kafka-prod";
  const ids = [2, 1]; // reverse order, so sorting by node.id is observable
  const voters = "1@kafka-1.kafka-prod.svc:9093,2@kafka-2.kafka-prod.svc:9093";
  const perBroker = ids.flatMap((id) => {
    const name = `kafka-${id}`;
    const labels = { app: "kafka", instance: name };
    return [
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name, namespace: ns },
        spec: {
          publishNotReadyAddresses: true,
          selector: labels,
          ports: [
            { name: "client", port: 9092, targetPort: "client" },
            { name: "controller", port: 9093, targetPort: "controller" },
          ],
        },
      },
      {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: `data-kafka-${id - 1}`, namespace: ns },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "50Gi" } } },
      },
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace: ns },
        spec: {
          replicas: 1,
          strategy: { type: "Recreate" },
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              ...podSecurity(),
              containers: [
                {
                  name: "kafka",
                  image: "apache/kafka:4.1.0",
                  ports: [
                    { name: "client", containerPort: 9092 },
                    { name: "controller", containerPort: 9093 },
                  ],
                  env: Object.entries({
                    CLUSTER_ID,
                    KAFKA_NODE_ID: String(id),
                    KAFKA_PROCESS_ROLES: "broker,controller",
                    KAFKA_LISTENERS: "PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093",
                    KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${name}.${ns}.svc.cluster.local:9092`,
                    KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
                    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    KAFKA_INTER_BROKER_LISTENER_NAME: "PLAINTEXT",
                    KAFKA_CONTROLLER_QUORUM_VOTERS: voters,
                    KAFKA_LOG_DIRS: "/var/lib/kafka/data/logs",
                    KAFKA_AUTO_CREATE_TOPICS_ENABLE: "false",
                    KAFKA_LOG_RETENTION_MS: "604800000",
                    KAFKA_HEAP_OPTS: "-Xmx2g -Xms2g",
                    ...replicationEnv(2),
                  }).map(([envName, value]) => ({ name: envName, value })),
                  volumeMounts: [{ name: "data", mountPath: "/var/lib/kafka/data" }],
                  ...probes(9092),
                  resources: { requests: { cpu: "1", memory: "4Gi" }, limits: { memory: "4Gi" } },
                },
              ],
              volumes: [{ name: "data", persistentVolumeClaim: { claimName: `data-kafka-${id - 1}` } }],
            },
          },
        },
      },
    ];
  });
  return [...perBroker, bootstrapService(ns, "kafka-bootstrap", { app: "kafka" }), disruptionBudget(ns, { app: "kafka" })];
}

/** Production topology: 3 dedicated controllers and 2 brokers whose ordinals start at 100. */
function dedicatedCluster(): any[] {
  const ns = "kafka-ha";
  const voters = range(3)
    .map((i) => `${i}@controller-${i}.kafka-headless.${ns}.svc:9093`)
    .join(",");
  const common = {
    CLUSTER_ID,
    KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT",
    KAFKA_INTER_BROKER_LISTENER_NAME: "INTERNAL",
    KAFKA_CONTROLLER_QUORUM_VOTERS: voters,
    KAFKA_LOG_DIRS: "/var/lib/kafka/data/logs",
    KAFKA_AUTO_CREATE_TOPICS_ENABLE: "false",
    ...replicationEnv(2),
  };
  const statefulSet = (name: string, role: string, replicas: number, start: number, env: Record<string, string>, port: number) => ({
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      ...(start ? { ordinals: { start } } : {}),
      serviceName: "kafka-headless",
      podManagementPolicy: "Parallel",
      selector: { matchLabels: { app: "kafka", role } },
      template: {
        metadata: { labels: { app: "kafka", role } },
        spec: {
          ...podSecurity(),
          containers: [
            {
              name: "kafka",
              image: "docker.io/apache/kafka:4.1.0",
              env: [
                ...POD_IDENTITY_ENV,
                ...Object.entries({ ...common, ...env }).map(([envName, value]) => ({ name: envName, value })),
                { name: "KAFKA_HEAP_OPTS", value: "-Xmx512m" },
              ],
              volumeMounts: [{ name: "data", mountPath: "/var/lib/kafka/data" }],
              ...probes(port),
              resources: { requests: { cpu: "250m", memory: "1Gi" }, limits: { memory: "1Gi" } },
            },
          ],
        },
      },
      volumeClaimTemplates: [claimTemplate()],
    },
  });
  return [
    headlessService(ns, "kafka-headless", { app: "kafka" }),
    bootstrapService(ns, "kafka-bootstrap", { app: "kafka", role: "broker" }),
    statefulSet("controller", "controller", 3, 0, { KAFKA_PROCESS_ROLES: "controller", KAFKA_LISTENERS: "CONTROLLER://:9093" }, 9093),
    statefulSet(
      "broker",
      "broker",
      2,
      100,
      {
        KAFKA_PROCESS_ROLES: "broker",
        KAFKA_LISTENERS: "INTERNAL://:9092",
        KAFKA_ADVERTISED_LISTENERS: `INTERNAL://$(POD_NAME).kafka-headless.$(POD_NAMESPACE).svc:9092`,
      },
      9092,
    ),
    disruptionBudget(ns, { app: "kafka" }),
  ];
}

// ---------------------------------------------------------------------------------------------
// Mutation helpers
// ---------------------------------------------------------------------------------------------

function find(objects: any[], kind: string, name: string): any {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`fixture has no ${kind} ${name}`);
  return found;
}

function kafkaContainer(workload: any): any {
  return workload.spec.template.spec.containers[0];
}

/** Replace (or, with undefined, remove) an env entry; appends when absent. */
function setEnv(workload: any, name: string, value: string | undefined): void {
  const container = kafkaContainer(workload);
  const env: any[] = container.env ?? (container.env = []);
  const index = env.findIndex((e) => e.name === name);
  if (value === undefined) {
    if (index >= 0) env.splice(index, 1);
  } else if (index >= 0) env[index] = { name, value };
  else env.push({ name, value });
}

function configData(objects: any[]): Record<string, string> {
  return find(objects, "ConfigMap", "kafka-config").data;
}

function remove(objects: any[], kind: string, name: string): void {
  objects.splice(objects.indexOf(find(objects, kind, name)), 1);
}

/** Registers a test: the fixture passes, the mutation yields a message containing `expected`. */
function violation(title: string, build: () => any[], mutate: (objects: any[]) => void, expected: string): void {
  test(`violation: ${title}`, (t) => {
    const objects = build();
    t.deepEqual(checkKafkaCluster(objects), [], "the fixture must be correct before the mutation");
    mutate(objects);
    const messages = checkKafkaCluster(objects);
    t.true(
      messages.some((m) => m.includes(expected)),
      `expected "${expected}" among:\n${messages.join("\n")}`,
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Correct clusters
// ---------------------------------------------------------------------------------------------

test("a combined 3-node StatefulSet cluster has no violations", (t) => {
  t.deepEqual(checkKafkaCluster(statefulCluster()), []);
});

test("a single-node StatefulSet with replication 1 has no violations", (t) => {
  t.deepEqual(checkKafkaCluster(statefulCluster(1)), []);
});

test("a Deployment-per-broker cluster with per-broker Services has no violations", (t) => {
  t.deepEqual(checkKafkaCluster(deploymentCluster()), []);
});

test("dedicated controllers plus brokers have no violations", (t) => {
  t.deepEqual(checkKafkaCluster(dedicatedCluster()), []);
});

test("no Kafka workload at all is reported", (t) => {
  const messages = checkKafkaCluster([{ kind: "ConfigMap", metadata: { name: "x", namespace: "y" }, data: {} }]);
  t.true(messages.some((m) => m.includes("no Kafka pods")));
});

// ---------------------------------------------------------------------------------------------
// Reconstruction
// ---------------------------------------------------------------------------------------------

test("StatefulSet pods get ordinals, controller labels and properties from envFrom plus env", (t) => {
  const nodes = kafkaNodes(statefulCluster());
  t.deepEqual(
    nodes.map((n) => n.pod),
    ["kafka-0", "kafka-1", "kafka-2"],
  );
  const node = nodes[1]!;
  t.is(node.ordinal, 1);
  t.is(node.namespace, "kafka-dev");
  t.deepEqual(node.workload, { kind: "StatefulSet", name: "kafka" });
  t.is(node.podLabels["apps.kubernetes.io/pod-index"], "1");
  t.is(node.podLabels["statefulset.kubernetes.io/pod-name"], "kafka-1");
  t.is(node.podLabels.app, "kafka");
  t.is(node.hostname, "kafka-1");
  t.is(node.subdomain, "kafka-headless");
  t.is(node.properties["node.id"], "1");
  t.is(node.properties["advertised.listeners"], "PLAINTEXT://kafka-1.kafka-headless.kafka-dev.svc.cluster.local:9092");
  t.is(node.properties["log.dirs"], "/var/lib/kafka/data/logs");
  t.is(node.clusterId, CLUSTER_ID);
  t.is(node.properties["heap.opts"], undefined, "KAFKA_HEAP_OPTS is not a property");
  t.is(node.env.KAFKA_HEAP_OPTS, "-Xms1g -Xmx1g");
  t.deepEqual(node.podSpec.volumes, [{ name: "data", persistentVolumeClaim: { claimName: "data-kafka-1" } }]);
});

test("nodes are sorted by node.id, then pod name; Deployment pods get a placeholder hash", (t) => {
  t.deepEqual(
    kafkaNodes(deploymentCluster()).map((n) => [n.properties["node.id"], n.pod]),
    [
      ["1", "kafka-1-hash"],
      ["2", "kafka-2-hash"],
    ],
  );
  t.deepEqual(
    kafkaNodes(dedicatedCluster()).map((n) => n.pod),
    ["controller-0", "controller-1", "controller-2", "broker-100", "broker-101"],
  );
});

test("StatefulSet ordinals.start shifts pod names and the pod-index label", (t) => {
  const broker = kafkaNodes(dedicatedCluster()).find((n) => n.pod === "broker-101")!;
  t.is(broker.ordinal, 101);
  t.is(broker.properties["node.id"], "101");
});

test("env overrides envFrom, and a later envFrom source overrides an earlier one", (t) => {
  const objects = statefulCluster();
  objects.push({
    kind: "ConfigMap",
    metadata: { name: "overrides", namespace: "kafka-dev" },
    data: { KAFKA_LOG_RETENTION_MS: "1", KAFKA_MESSAGE_MAX_BYTES: "5" },
  });
  const sts = find(objects, "StatefulSet", "kafka");
  kafkaContainer(sts).envFrom.push({ configMapRef: { name: "overrides" } }, { prefix: "KAFKA_", configMapRef: { name: "overrides" } });
  configData(objects).KAFKA_LOG_RETENTION_MS = "0";
  setEnv(sts, "KAFKA_MESSAGE_MAX_BYTES", "10485760");
  const node = kafkaNodes(objects)[0]!;
  t.is(node.properties["log.retention.ms"], "1");
  t.is(node.properties["message.max.bytes"], "10485760");
  t.is(node.properties["kafka.log.retention.ms"], "1", "only the first KAFKA_ is stripped from KAFKA_KAFKA_*");
  t.is(node.env.KAFKA_KAFKA_LOG_RETENTION_MS, "1");
});

test("$(VAR) sees only earlier variables; later ones stay literal", (t) => {
  const objects = statefulCluster();
  const sts = find(objects, "StatefulSet", "kafka");
  kafkaContainer(sts).env.unshift({ name: "EARLY", value: "$(POD_NAME)-x" });
  const node = kafkaNodes(objects)[0]!;
  t.is(node.env.EARLY, "$(POD_NAME)-x");
});

test("downward API: annotations, missing labels and scheduling-time fields", (t) => {
  const objects = statefulCluster();
  const sts = find(objects, "StatefulSet", "kafka");
  sts.spec.template.metadata.annotations = { rack: "r1" };
  kafkaContainer(sts).env.push(
    { name: "RACK", valueFrom: { fieldRef: { fieldPath: "metadata.annotations['rack']" } } },
    { name: "MISSING", valueFrom: { fieldRef: { fieldPath: "metadata.labels['nope']" } } },
    { name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
    { name: "SECRET", valueFrom: { secretKeyRef: { name: "creds", key: "password" } } },
    { name: "FROM_CM", valueFrom: { configMapKeyRef: { name: "kafka-config", key: "KAFKA_LOG_DIRS" } } },
  );
  const env = kafkaNodes(objects)[0]!.env;
  t.is(env.RACK, "r1");
  t.is(env.MISSING, "");
  t.is(env.NODE, "<spec.nodeName>");
  t.is(env.SECRET, "<secret:creds/password>");
  t.is(env.FROM_CM, "/var/lib/kafka/data/logs");
});

test("without enableServiceLinks: false, Service variables leak into server.properties", (t) => {
  const objects = statefulCluster();
  delete find(objects, "StatefulSet", "kafka").spec.template.spec.enableServiceLinks;
  const node = kafkaNodes(objects)[0]!;
  // The bootstrap Service is called "kafka": KAFKA_PORT, KAFKA_SERVICE_HOST, ... are image input.
  t.is(node.env.KAFKA_PORT, "tcp://<clusterIP:kafka>:9092");
  t.is(node.properties.port, "tcp://<clusterIP:kafka>:9092");
  t.is(node.properties["service.host"], "<clusterIP:kafka>");
  t.is(node.env.KAFKA_HEADLESS_SERVICE_HOST, undefined, "headless Services get no link variables");
});

test("the image derives listeners from advertised.listeners when KAFKA_LISTENERS is unset", (t) => {
  const objects = deploymentCluster();
  setEnv(find(objects, "Deployment", "kafka-1"), "KAFKA_LISTENERS", undefined);
  const node = kafkaNodes(objects).find((n) => n.pod === "kafka-1-hash")!;
  t.is(node.properties.listeners, "PLAINTEXT://0.0.0.0:9092");
  const messages = checkKafkaCluster(objects);
  t.true(
    messages.some((m) => m.includes("controller listener CONTROLLER (controller.listener.names) is missing from listeners")),
    messages.join("\n"),
  );
});

test("a server.properties mounted from a ConfigMap is the base that env properties extend", (t) => {
  const objects = statefulCluster();
  objects.push({
    kind: "ConfigMap",
    metadata: { name: "server-props", namespace: "kafka-dev" },
    data: { "props.txt": "num.network.threads=8\nlog.dirs=/tmp/ignored\n# comment\nsasl.jaas.config=a \\\n  b" },
  });
  const spec = find(objects, "StatefulSet", "kafka").spec.template.spec;
  spec.volumes = [{ name: "cfg", configMap: { name: "server-props", items: [{ key: "props.txt", path: "server.properties" }] } }];
  kafkaContainer(find(objects, "StatefulSet", "kafka")).volumeMounts.push({ name: "cfg", mountPath: "/mnt/shared/config" });
  const node = kafkaNodes(objects)[0]!;
  t.is(node.properties["num.network.threads"], "8");
  t.is(node.properties["sasl.jaas.config"], "a b");
  t.is(node.properties["log.dirs"], "/var/lib/kafka/data/logs", "env properties are appended, so they win");
});

// ---------------------------------------------------------------------------------------------
// DNS
// ---------------------------------------------------------------------------------------------

test("resolveHost follows headless pod records and single-pod Services only", (t) => {
  const sts = statefulCluster();
  const stsNodes = kafkaNodes(sts);
  t.is(resolveHost("kafka-2.kafka-headless.kafka-dev.svc.cluster.local", sts, stsNodes)?.pod, "kafka-2");
  t.is(resolveHost("KAFKA-2.kafka-headless.kafka-dev.svc.", sts, stsNodes)?.pod, "kafka-2");
  t.is(resolveHost("kafka-3.kafka-headless.kafka-dev.svc", sts, stsNodes), undefined, "no such ordinal");
  t.is(resolveHost("kafka-0.kafka.kafka-dev.svc", sts, stsNodes), undefined, "the bootstrap Service is not headless");
  t.is(resolveHost("kafka.kafka-dev.svc", sts, stsNodes), undefined, "the bootstrap Service selects three pods");
  t.is(resolveHost("kafka-0.kafka-headless", sts, stsNodes), undefined, "short names are not accepted");
  t.is(resolveHost("kafka-0.kafka-headless.other.svc", sts, stsNodes), undefined, "wrong namespace");

  const single = statefulCluster(1);
  t.is(resolveHost("kafka.kafka-dev.svc", single, kafkaNodes(single))?.pod, "kafka-0", "a Service over one pod reaches it");

  const dep = deploymentCluster();
  const depNodes = kafkaNodes(dep);
  t.is(resolveHost("kafka-1.kafka-prod.svc", dep, depNodes)?.pod, "kafka-1-hash");
  t.is(resolveHost("kafka-bootstrap.kafka-prod.svc", dep, depNodes), undefined);
});

test("a per-pod record needs the headless Service to select the pod", (t) => {
  const sts = statefulCluster();
  find(sts, "Service", "kafka-headless").spec.selector = { app: "other" };
  t.is(resolveHost("kafka-0.kafka-headless.kafka-dev.svc", sts, kafkaNodes(sts)), undefined);
});

test("a Service stops reaching a single Kafka pod once it also selects another workload's pod", (t) => {
  const dep = deploymentCluster();
  dep.push({
    kind: "Deployment",
    metadata: { name: "sidecar", namespace: "kafka-prod" },
    spec: { template: { metadata: { labels: { app: "kafka", instance: "kafka-1" } }, spec: { containers: [{ name: "x", image: "busybox" }] } } },
  });
  t.is(resolveHost("kafka-1.kafka-prod.svc", dep, kafkaNodes(dep)), undefined);
});

test("Deployment pods only get a per-pod record when they set hostname and subdomain", (t) => {
  const dep = deploymentCluster();
  dep.push(headlessService("kafka-prod", "kafka-pods", { app: "kafka" }));
  const spec = find(dep, "Deployment", "kafka-1").spec.template.spec;
  spec.subdomain = "kafka-pods";
  t.is(resolveHost("kafka-1.kafka-pods.kafka-prod.svc", dep, kafkaNodes(dep)), undefined, "no hostname, no record");
  spec.hostname = "kafka-1";
  t.is(resolveHost("kafka-1.kafka-pods.kafka-prod.svc", dep, kafkaNodes(dep))?.pod, "kafka-1-hash");
});

test("resolveEndpoint maps a ClusterIP Service port to the named container port", (t) => {
  const dep = deploymentCluster();
  const nodes = kafkaNodes(dep);
  const endpoint = resolveEndpoint("kafka-2.kafka-prod.svc", 9093, dep, nodes);
  t.is(endpoint?.node.pod, "kafka-2-hash");
  t.is(endpoint?.port, 9093);
  find(dep, "Service", "kafka-2").spec.ports[1].targetPort = 9092;
  t.is(resolveEndpoint("kafka-2.kafka-prod.svc", 9093, dep, nodes)?.port, 9092);
  t.is(resolveEndpoint("kafka-2.kafka-prod.svc", 1234, dep, nodes), undefined, "port not exposed");
});

// ---------------------------------------------------------------------------------------------
// Pure helpers
// ---------------------------------------------------------------------------------------------

test("decodeKafkaEnv follows the image's naming rules", (t) => {
  t.is(decodeKafkaEnv("KAFKA_LOG_RETENTION_MS"), "log.retention.ms");
  t.is(decodeKafkaEnv("KAFKA_LISTENER_NAME_CLIENT_SSL_KEY___PASSWORD"), "listener.name.client.ssl.key-password");
  t.is(decodeKafkaEnv("KAFKA_LISTENER_NAME_SASL__SSL_SCRAM___SHA___256_SASL_JAAS_CONFIG"), "listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config");
  t.is(decodeKafkaEnv("KAFKA_A____B"), "a-.b", "runs of underscores are read left to right");
  t.is(decodeKafkaEnv("KAFKA_A_____B"), "a-_b");
  t.is(decodeKafkaEnv("KAFKA_NODE_ID"), "node.id");
  for (const name of [
    "KAFKA_HEAP_OPTS",
    "KAFKA_OPTS",
    "KAFKA_JMX_OPTS",
    "KAFKA_LOG4J_OPTS",
    "KAFKA_JVM_PERFORMANCE_OPTS",
    "KAFKA_GC_LOG_OPTS",
    "KAFKA_LOG4J_ROOT_LOGLEVEL",
    "KAFKA_LOG4J_LOGGERS",
    "KAFKA_TOOLS_LOG4J_LOGLEVEL",
    "KAFKA_JMX_HOSTNAME",
    "KAFKA_VERSION",
  ]) {
    t.is(decodeKafkaEnv(name), undefined, name);
  }
  t.is(decodeKafkaEnv("CLUSTER_ID"), undefined);
  t.is(decodeKafkaEnv("kafka_node_id"), undefined, "the prefix is case-sensitive");
  t.is(decodeKafkaEnv("KAFKA_"), undefined);
});

test("expandKubernetesVars implements kubelet's $(VAR) rules", (t) => {
  const vars = { A: "x", B: "y", EMPTY: "" };
  t.is(expandKubernetesVars("$(A)-$(B)", vars), "x-y");
  t.is(expandKubernetesVars("$(EMPTY)z", vars), "z");
  t.is(expandKubernetesVars("$(UNKNOWN).svc", vars), "$(UNKNOWN).svc");
  t.is(expandKubernetesVars("$$(A)", vars), "$(A)");
  t.is(expandKubernetesVars("$$$(A)", vars), "$x");
  t.is(expandKubernetesVars("a$$b", vars), "a$b");
  t.is(expandKubernetesVars("$A and $", vars), "$A and $");
  t.is(expandKubernetesVars("$(A", vars), "$(A");
  t.is(expandKubernetesVars("$(A$(B)", vars), "$(A$(B)", "the name runs to the first ')'");
  t.is(
    expandKubernetesVars("$(A)", (name) => (name === "A" ? "fn" : undefined)),
    "fn",
  );
});

test("quantities and JVM sizes", (t) => {
  t.is(parseKubernetesQuantity("1Gi"), 2 ** 30);
  t.is(parseKubernetesQuantity("512Mi"), 512 * 2 ** 20);
  t.is(parseKubernetesQuantity("2G"), 2e9);
  t.is(parseKubernetesQuantity("1.5Gi"), 1.5 * 2 ** 30);
  t.is(parseKubernetesQuantity("1e3"), 1000);
  t.is(parseKubernetesQuantity("500m"), 0.5);
  t.is(parseKubernetesQuantity(1024), 1024);
  t.is(parseKubernetesQuantity("1GB"), undefined);
  t.is(parseJvmSize("512m"), 512 * 2 ** 20);
  t.is(parseJvmSize("1g"), 2 ** 30);
  t.is(parseJvmSize("1G"), 2 ** 30);
  t.is(parseJvmSize("4096k"), 4096 * 1024);
  t.is(parseJvmSize("1073741824"), 2 ** 30);
  t.is(parseJvmSize("1gb"), undefined);
});

test("parseJavaProperties handles separators, comments, continuations and escapes", (t) => {
  const props = parseJavaProperties("# c\n! c\na=1\n  b : 2\nc 3\nd=x\\\n   y\ne=\\u0041\\tB\\\\\nf\na=last\ng=h=i");
  t.deepEqual(Object.fromEntries(props), { a: "last", b: "2", c: "3", d: "xy", e: "A\tB\\", f: "", g: "h=i" });
});

// ---------------------------------------------------------------------------------------------
// Violations: each fixture passes before the mutation and fails with a specific message after
// ---------------------------------------------------------------------------------------------

violation(
  "voter list missing a controller",
  statefulCluster,
  (o) => {
    const data = configData(o);
    data.KAFKA_CONTROLLER_QUORUM_VOTERS = data.KAFKA_CONTROLLER_QUORUM_VOTERS!.split(",").slice(0, 2).join(",");
  },
  "controller.quorum.voters does not list controller-role node 2 (pod kafka-dev/kafka-2)",
);

violation(
  "voter list naming a broker-only node",
  dedicatedCluster,
  (o) => {
    for (const sts of ["controller", "broker"]) {
      const env = kafkaContainer(find(o, "StatefulSet", sts)).env.find((e: any) => e.name === "KAFKA_CONTROLLER_QUORUM_VOTERS");
      env.value += ",100@broker-100.kafka-headless.kafka-ha.svc:9093";
    }
  },
  "lists node.id 100, which is not a controller-role node",
);

violation(
  "voters differing between nodes",
  deploymentCluster,
  (o) => setEnv(find(o, "Deployment", "kafka-2"), "KAFKA_CONTROLLER_QUORUM_VOTERS", "2@kafka-2.kafka-prod.svc:9093,1@kafka-1.kafka-prod.svc:9093"),
  "differs from",
);

violation(
  "voter host reaching another node",
  statefulCluster,
  (o) => {
    const data = configData(o);
    data.KAFKA_CONTROLLER_QUORUM_VOTERS = data.KAFKA_CONTROLLER_QUORUM_VOTERS!.replace("1@kafka-1.", "1@kafka-0.");
  },
  "host resolves to pod kafka-dev/kafka-0, not to node 1",
);

violation(
  "voter port that is not the controller listener",
  statefulCluster,
  (o) => {
    const data = configData(o);
    data.KAFKA_CONTROLLER_QUORUM_VOTERS = data.KAFKA_CONTROLLER_QUORUM_VOTERS!.replace(/:9093/g, ":9092");
  },
  "not its controller listener port 9093",
);

violation(
  "voter host behind a Service without publishNotReadyAddresses",
  deploymentCluster,
  (o) => delete find(o, "Service", "kafka-1").spec.publishNotReadyAddresses,
  "Service kafka-prod/kafka-1 lacks publishNotReadyAddresses: true",
);

violation(
  "short voter host names",
  deploymentCluster,
  (o) => {
    for (const name of ["kafka-1", "kafka-2"]) {
      setEnv(find(o, "Deployment", name), "KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka-1:9093,2@kafka-2:9093");
    }
  },
  "host kafka-1 does not resolve to a Kafka pod",
);

violation(
  "controller.quorum.bootstrap.servers set",
  statefulCluster,
  (o) => (configData(o).KAFKA_CONTROLLER_QUORUM_BOOTSTRAP_SERVERS = "kafka.kafka-dev.svc:9093"),
  "controller.quorum.bootstrap.servers is set",
);

violation(
  "CONTROLLER in advertised.listeners",
  statefulCluster,
  (o) =>
    setEnv(
      find(o, "StatefulSet", "kafka"),
      "KAFKA_ADVERTISED_LISTENERS",
      "PLAINTEXT://$(POD_NAME).kafka-headless.$(POD_NAMESPACE).svc.cluster.local:9092,CONTROLLER://$(POD_NAME).kafka-headless.$(POD_NAMESPACE).svc.cluster.local:9093",
    ),
  "advertised.listeners must not include the controller listener CONTROLLER",
);

violation(
  "advertised host resolving to another pod",
  deploymentCluster,
  (o) => setEnv(find(o, "Deployment", "kafka-2"), "KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://kafka-1.kafka-prod.svc.cluster.local:9092"),
  "pod kafka-prod/kafka-2-hash: advertised.listeners entry PLAINTEXT://kafka-1.kafka-prod.svc.cluster.local:9092: host resolves to pod kafka-prod/kafka-1-hash, not to itself",
);

violation(
  "escaped $$(POD_NAME) leaves an unresolvable advertised host",
  statefulCluster,
  (o) => setEnv(find(o, "StatefulSet", "kafka"), "KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://$$(POD_NAME).kafka-headless.kafka-dev.svc:9092"),
  "host $(POD_NAME).kafka-headless.kafka-dev.svc does not resolve to a Kafka pod",
);

violation(
  "advertised 0.0.0.0",
  deploymentCluster,
  (o) => setEnv(find(o, "Deployment", "kafka-1"), "KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://0.0.0.0:9092"),
  "advertises the non-routable address 0.0.0.0",
);

violation(
  "advertised.listeners missing on a broker",
  statefulCluster,
  (o) => setEnv(find(o, "StatefulSet", "kafka"), "KAFKA_ADVERTISED_LISTENERS", undefined),
  "advertised.listeners is not set on a broker-role node",
);

violation(
  "advertised.listeners on a controller-only node",
  dedicatedCluster,
  (o) => setEnv(find(o, "StatefulSet", "controller"), "KAFKA_ADVERTISED_LISTENERS", "CONTROLLER://$(POD_NAME).kafka-headless.kafka-ha.svc:9093"),
  "pod kafka-ha/controller-0: advertised.listeners is set on a controller-only node",
);

violation(
  "controller listener on a broker-only node",
  dedicatedCluster,
  (o) => setEnv(find(o, "StatefulSet", "broker"), "KAFKA_LISTENERS", "INTERNAL://:9092,CONTROLLER://:9093"),
  "controller listener CONTROLLER appears in listeners of a broker-only node",
);

violation(
  "protocol map without the CONTROLLER entry",
  statefulCluster,
  (o) => (configData(o).KAFKA_LISTENER_SECURITY_PROTOCOL_MAP = "PLAINTEXT:PLAINTEXT"),
  "listener.security.protocol.map has no entry for listener CONTROLLER",
);

violation(
  "inter-broker listener missing",
  statefulCluster,
  (o) => delete configData(o).KAFKA_INTER_BROKER_LISTENER_NAME,
  "inter.broker.listener.name is not set",
);

violation("duplicate node.id", deploymentCluster, (o) => setEnv(find(o, "Deployment", "kafka-2"), "KAFKA_NODE_ID", "1"), "duplicate node.id 1");

violation(
  "node.id that is not an integer",
  statefulCluster,
  (o) => setEnv(find(o, "StatefulSet", "kafka"), "KAFKA_NODE_ID", "$(POD_NAME)"),
  `node.id "kafka-0" is not a non-negative integer`,
);

violation(
  "invalid process.roles",
  statefulCluster,
  (o) => (configData(o).KAFKA_PROCESS_ROLES = "broker,zookeeper"),
  `process.roles "broker,zookeeper" is not broker, controller or broker,controller`,
);

violation("CLUSTER_ID missing", statefulCluster, (o) => delete configData(o).CLUSTER_ID, "CLUSTER_ID is not set; the image falls back to its fixed default id");

violation(
  "CLUSTER_ID differing between nodes",
  deploymentCluster,
  (o) => setEnv(find(o, "Deployment", "kafka-2"), "CLUSTER_ID", "AAAAAAAAAAAAAAAAAAAAAA"),
  "CLUSTER_ID AAAAAAAAAAAAAAAAAAAAAA differs from",
);

violation(
  "CLUSTER_ID that is not 22 base64url characters",
  statefulCluster,
  (o) => (configData(o).CLUSTER_ID = "not-a-cluster-id"),
  `CLUSTER_ID "not-a-cluster-id" is not 22 base64url characters`,
);

violation(
  "log.dirs equal to the mount root",
  statefulCluster,
  (o) => (configData(o).KAFKA_LOG_DIRS = "/var/lib/kafka/data"),
  "log.dirs directory /var/lib/kafka/data equals the mount root of volume data",
);

violation(
  "log.dirs under an emptyDir mounted inside the PVC",
  statefulCluster,
  (o) => {
    const sts = find(o, "StatefulSet", "kafka");
    sts.spec.template.spec.volumes = [{ name: "scratch", emptyDir: {} }];
    kafkaContainer(sts).volumeMounts.push({ name: "scratch", mountPath: "/var/lib/kafka/data/logs" });
    configData(o).KAFKA_LOG_DIRS = "/var/lib/kafka/data/logs/x";
  },
  "is on volume scratch, which is not a PersistentVolumeClaim",
);

violation(
  "log.dirs unset (Kafka's /tmp default)",
  statefulCluster,
  (o) => delete configData(o).KAFKA_LOG_DIRS,
  "log.dir directory /tmp/kafka-logs is on the container filesystem",
);

violation(
  "replication factor 3 with one broker",
  () => statefulCluster(1),
  (o) => (configData(o).KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR = "3"),
  "offsets.topic.replication.factor=3 exceeds the 1 broker-role node(s)",
);

violation(
  "Kafka's default share-coordinator replication with one broker",
  () => statefulCluster(1),
  (o) => delete configData(o).KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR,
  "share.coordinator.state.topic.replication.factor=3 (Kafka default) exceeds the 1 broker-role node(s)",
);

violation(
  "min.insync.replicas above the replication factor",
  statefulCluster,
  (o) => (configData(o).KAFKA_MIN_INSYNC_REPLICAS = "4"),
  "min.insync.replicas=4 exceeds default.replication.factor=3",
);

violation(
  "zookeeper.connect present",
  statefulCluster,
  (o) => (configData(o).KAFKA_ZOOKEEPER_CONNECT = "zk:2181"),
  "zookeeper.connect was removed in Kafka 4.0",
);

violation(
  "log.message.format.version present",
  deploymentCluster,
  (o) => setEnv(find(o, "Deployment", "kafka-1"), "KAFKA_LOG_MESSAGE_FORMAT_VERSION", "3.0"),
  "log.message.format.version was removed in Kafka 4.0",
);

violation(
  "auto.create.topics.enable left at Kafka's default",
  statefulCluster,
  (o) => delete configData(o).KAFKA_AUTO_CREATE_TOPICS_ENABLE,
  "auto.create.topics.enable is not set (Kafka defaults to true)",
);

test("auto.create.topics.enable is not required on controller-only nodes", (t) => {
  const objects = dedicatedCluster();
  setEnv(find(objects, "StatefulSet", "controller"), "KAFKA_AUTO_CREATE_TOPICS_ENABLE", undefined);
  t.deepEqual(checkKafkaCluster(objects), []);
  setEnv(find(objects, "StatefulSet", "broker"), "KAFKA_AUTO_CREATE_TOPICS_ENABLE", "true");
  t.true(checkKafkaCluster(objects).some((m) => m.includes(`pod kafka-ha/broker-100: auto.create.topics.enable is "true"`)));
});

violation(
  "OrderedReady pod management",
  statefulCluster,
  (o) => delete find(o, "StatefulSet", "kafka").spec.podManagementPolicy,
  "podManagementPolicy is OrderedReady (default), must be Parallel",
);

violation(
  "headless Service without publishNotReadyAddresses",
  statefulCluster,
  (o) => delete find(o, "Service", "kafka-headless").spec.publishNotReadyAddresses,
  "headless Service kafka-headless lacks publishNotReadyAddresses: true",
);

violation(
  "serviceName pointing at a non-headless Service",
  statefulCluster,
  (o) => (find(o, "StatefulSet", "kafka").spec.serviceName = "kafka"),
  "Service kafka (serviceName) is not headless",
);

violation(
  "volumeClaimTemplate without apiVersion and kind",
  statefulCluster,
  (o) => {
    const claim = find(o, "StatefulSet", "kafka").spec.volumeClaimTemplates[0];
    delete claim.apiVersion;
    delete claim.kind;
  },
  "volumeClaimTemplate data lacks apiVersion: v1 / kind: PersistentVolumeClaim",
);

violation(
  "enableServiceLinks missing",
  statefulCluster,
  (o) => delete find(o, "StatefulSet", "kafka").spec.template.spec.enableServiceLinks,
  "pod kafka-dev/kafka-0: enableServiceLinks is not false",
);

violation(
  "fsGroup missing",
  statefulCluster,
  (o) => delete find(o, "StatefulSet", "kafka").spec.template.spec.securityContext.fsGroup,
  "securityContext.fsGroup is not set",
);

violation(
  "runAsNonRoot overridden by the container",
  statefulCluster,
  (o) => (kafkaContainer(find(o, "StatefulSet", "kafka")).securityContext = { runAsNonRoot: false }),
  "runAsNonRoot is not true",
);

violation(
  "readinessProbe missing",
  statefulCluster,
  (o) => delete kafkaContainer(find(o, "StatefulSet", "kafka")).readinessProbe,
  "container kafka has no readinessProbe",
);

violation(
  "memory limit missing",
  deploymentCluster,
  (o) => delete kafkaContainer(find(o, "Deployment", "kafka-1")).resources.limits,
  "container kafka has no resources.limits.memory",
);

violation(
  "heap equal to the memory limit",
  statefulCluster,
  (o) => setEnv(find(o, "StatefulSet", "kafka"), "KAFKA_HEAP_OPTS", "-Xms2g -Xmx2g"),
  "JVM heap -Xmx2g (-Xmx) is not strictly below the memory limit 2Gi",
);

violation(
  "the image's default 1G heap under a 1Gi limit",
  statefulCluster,
  (o) => {
    const sts = find(o, "StatefulSet", "kafka");
    setEnv(sts, "KAFKA_HEAP_OPTS", undefined);
    kafkaContainer(sts).resources.limits.memory = "1Gi";
  },
  "JVM heap -Xmx1G (-Xmx) is not strictly below the memory limit 1Gi",
);

violation(
  "a later -Xmx in KAFKA_OPTS overriding the heap",
  deploymentCluster,
  (o) => setEnv(find(o, "Deployment", "kafka-1"), "KAFKA_OPTS", "-Xmx8g"),
  "JVM heap -Xmx8g (-Xmx) is not strictly below the memory limit 4Gi",
);

violation(
  "Deployment with RollingUpdate",
  deploymentCluster,
  (o) => delete find(o, "Deployment", "kafka-1").spec.strategy,
  "Deployment kafka-prod/kafka-1: strategy.type is RollingUpdate (default), must be Recreate",
);

violation(
  "Deployment with two replicas",
  deploymentCluster,
  (o) => (find(o, "Deployment", "kafka-2").spec.replicas = 2),
  "Deployment kafka-prod/kafka-2: replicas is 2",
);

violation(
  "Deployment PVC not rendered",
  deploymentCluster,
  (o) => remove(o, "PersistentVolumeClaim", "data-kafka-0"),
  "uses PersistentVolumeClaim data-kafka-0, which is not among the objects",
);

violation(
  "missing namespace",
  deploymentCluster,
  (o) => delete find(o, "Deployment", "kafka-1").metadata.namespace,
  "Deployment kafka-1: metadata.namespace is not set",
);

violation(
  "missing envFrom ConfigMap",
  statefulCluster,
  (o) => remove(o, "ConfigMap", "kafka-config"),
  "envFrom references ConfigMap kafka-dev/kafka-config, which is not among the objects",
);

violation("no bootstrap Service", statefulCluster, (o) => remove(o, "Service", "kafka"), "no bootstrap Service");

violation(
  "bootstrap Service that also selects controllers",
  dedicatedCluster,
  (o) => (find(o, "Service", "kafka-bootstrap").spec.selector = { app: "kafka" }),
  "no bootstrap Service",
);

violation(
  "PodDisruptionBudget allowing two disruptions",
  statefulCluster,
  (o) => (find(o, "PodDisruptionBudget", "kafka").spec.maxUnavailable = 2),
  "no PodDisruptionBudget with maxUnavailable: 1 selects every Kafka pod",
);

violation(
  "PodDisruptionBudget missing the brokers",
  dedicatedCluster,
  (o) => (find(o, "PodDisruptionBudget", "kafka").spec.selector.matchLabels.role = "controller"),
  "no PodDisruptionBudget with maxUnavailable: 1 selects every Kafka pod",
);

violation(
  "image not pinned",
  statefulCluster,
  (o) => (kafkaContainer(find(o, "StatefulSet", "kafka")).image = "apache/kafka:latest"),
  "image apache/kafka:latest is not pinned",
);

violation(
  "container command replacing the image's startup",
  statefulCluster,
  (o) => (kafkaContainer(find(o, "StatefulSet", "kafka")).command = ["sh", "-c", "exec /etc/kafka/docker/run"]),
  "its configuration cannot be verified",
);

violation(
  "selector not matching the pod template",
  statefulCluster,
  (o) => (find(o, "StatefulSet", "kafka").spec.selector.matchLabels = { app: "other" }),
  "spec.selector does not match the pod template labels",
);

violation(
  "a listener name used twice",
  statefulCluster,
  (o) => (configData(o).KAFKA_LISTENERS = "PLAINTEXT://:9092,PLAINTEXT://:9094,CONTROLLER://:9093"),
  "listeners names listener PLAINTEXT more than once",
);

violation(
  "a voter listed twice",
  statefulCluster,
  (o) => (configData(o).KAFKA_CONTROLLER_QUORUM_VOTERS += ",0@kafka-0.kafka-headless.kafka-dev.svc:9093"),
  "controller.quorum.voters lists node.id 0 twice",
);

violation(
  "a voter port the per-broker Service does not expose",
  deploymentCluster,
  (o) => {
    for (const name of ["kafka-1", "kafka-2"]) find(o, "Service", name).spec.ports.pop();
  },
  "port 9093 is not exposed by the Service behind kafka-1.kafka-prod.svc",
);

violation(
  "a non-controller listener on a controller-only node",
  dedicatedCluster,
  (o) => {
    const sts = find(o, "StatefulSet", "controller");
    setEnv(sts, "KAFKA_LISTENERS", "CONTROLLER://:9093,INTERNAL://:9092");
  },
  "listener INTERNAL on a controller-only node is not a controller listener",
);

violation(
  "the image's well-known default CLUSTER_ID",
  statefulCluster,
  (o) => (configData(o).CLUSTER_ID = "5L6g3nShT-eMCtK--X86sw"),
  "CLUSTER_ID is the image's well-known default id",
);

violation(
  "an SSL listener without the keystore variables the image requires",
  deploymentCluster,
  (o) => {
    for (const name of ["kafka-1", "kafka-2"]) {
      const d = find(o, "Deployment", name);
      setEnv(d, "KAFKA_ADVERTISED_LISTENERS", `SSL://${name}.kafka-prod.svc:9092`);
      setEnv(d, "KAFKA_LISTENERS", "SSL://:9092,CONTROLLER://:9093");
      setEnv(d, "KAFKA_INTER_BROKER_LISTENER_NAME", "SSL");
      setEnv(d, "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "SSL:SSL,CONTROLLER:PLAINTEXT");
    }
  },
  "KAFKA_SSL_KEYSTORE_FILENAME is not set but advertised.listeners uses SSL",
);

violation(
  "two PodDisruptionBudgets over one pod",
  statefulCluster,
  (o) => o.push({ ...disruptionBudget("kafka-dev", { app: "kafka" }), metadata: { name: "extra", namespace: "kafka-dev" } }),
  "selected by 2 PodDisruptionBudgets (kafka, extra)",
);

violation(
  "claims deleted with the StatefulSet",
  statefulCluster,
  (o) => (find(o, "StatefulSet", "kafka").spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: "Delete", whenScaled: "Retain" }),
  "persistentVolumeClaimRetentionPolicy.whenDeleted is Delete",
);

test("KEY=VALUE arguments to the image's run script are exported", (t) => {
  const objects = statefulCluster();
  kafkaContainer(find(objects, "StatefulSet", "kafka")).args = ["KAFKA_NUM_IO_THREADS=16"];
  t.true(
    checkKafkaCluster(objects).some((m) => m.includes("cannot be verified")),
    "args alone replace the image's CMD",
  );
  kafkaContainer(find(objects, "StatefulSet", "kafka")).command = ["/etc/kafka/docker/run"];
  t.is(kafkaNodes(objects)[0]!.properties["num.io.threads"], "16");
  t.deepEqual(checkKafkaCluster(objects), []);
});
