import test from "ava";
import { validateKubeObject, validateKubeObjects } from "./support/kube-schema.js";

type Obj = Record<string, any>;

// Valid objects of every supported kind, shaped like what the generator renders.
// Functions, so that each test can mutate its own copy.

const statefulSet = (): Obj => ({
  apiVersion: "apps/v1",
  kind: "StatefulSet",
  metadata: {
    name: "kafka",
    namespace: "kafka",
    labels: { "app.kubernetes.io/name": "kafka", tier: "broker" },
    annotations: { "example.com/anything": "goes" },
  },
  spec: {
    serviceName: "kafka-headless",
    replicas: 3,
    podManagementPolicy: "Parallel",
    ordinals: { start: 0 },
    persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
    updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0 } },
    selector: { matchLabels: { "app.kubernetes.io/name": "kafka" } },
    template: {
      metadata: { labels: { "app.kubernetes.io/name": "kafka" }, annotations: { "checksum/config": "abc" } },
      spec: {
        enableServiceLinks: false,
        serviceAccountName: "kafka",
        terminationGracePeriodSeconds: 120,
        nodeSelector: { "kubernetes.io/os": "linux" },
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 1000,
          fsGroup: 1000,
          seccompProfile: { type: "RuntimeDefault" },
        },
        affinity: {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 100,
                podAffinityTerm: {
                  topologyKey: "kubernetes.io/hostname",
                  labelSelector: { matchLabels: { "app.kubernetes.io/name": "kafka" } },
                },
              },
            ],
          },
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/arch", operator: "In", values: ["amd64"] }] }],
            },
          },
        },
        topologySpreadConstraints: [
          {
            maxSkew: 1,
            topologyKey: "topology.kubernetes.io/zone",
            whenUnsatisfiable: "ScheduleAnyway",
            labelSelector: { matchLabels: { "app.kubernetes.io/name": "kafka" } },
          },
        ],
        containers: [
          {
            name: "kafka",
            image: "apache/kafka:3.9.0",
            imagePullPolicy: "IfNotPresent",
            command: ["/bin/sh", "-c"],
            args: ["exec /opt/kafka/bin/kafka-server-start.sh /config/server.properties"],
            ports: [
              { name: "broker", containerPort: 9092 },
              { name: "controller", containerPort: 9093, protocol: "TCP" },
            ],
            env: [
              {
                name: "NODE_ID",
                valueFrom: { fieldRef: { fieldPath: "metadata.labels['apps.kubernetes.io/pod-index']" } },
              },
              { name: "KAFKA_HEAP_OPTS", value: "-Xmx1g" },
            ],
            envFrom: [{ configMapRef: { name: "kafka-env" } }],
            resources: {
              requests: { cpu: "500m", memory: "2Gi" },
              limits: { cpu: 2, memory: "2Gi" },
            },
            startupProbe: { tcpSocket: { port: "broker" }, periodSeconds: 5, failureThreshold: 60 },
            readinessProbe: { tcpSocket: { port: 9092 }, periodSeconds: 10 },
            livenessProbe: { tcpSocket: { port: "controller" }, initialDelaySeconds: 30 },
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ["ALL"] },
              seccompProfile: { type: "RuntimeDefault" },
            },
            volumeMounts: [
              { name: "data", mountPath: "/var/lib/kafka" },
              { name: "config", mountPath: "/config", readOnly: true },
            ],
          },
        ],
        volumes: [{ name: "config", configMap: { name: "kafka-config", defaultMode: 420 } }],
      },
    },
    volumeClaimTemplates: [
      {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: "data", labels: { "app.kubernetes.io/name": "kafka" } },
        spec: {
          accessModes: ["ReadWriteOnce"],
          storageClassName: "standard",
          resources: { requests: { storage: "10Gi" } },
        },
      },
    ],
  },
});

const deployment = (): Obj => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "kafka-ui", namespace: "kafka" },
  spec: {
    replicas: 1,
    strategy: { type: "Recreate" },
    selector: { matchLabels: { app: "kafka-ui" } },
    template: {
      metadata: { labels: { app: "kafka-ui" } },
      spec: {
        containers: [
          {
            name: "ui",
            image: "provectuslabs/kafka-ui:latest",
            ports: [{ name: "http", containerPort: 8080 }],
            readinessProbe: { httpGet: { path: "/", port: "http" } },
          },
        ],
      },
    },
  },
});

const headlessService = (): Obj => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "kafka-headless", namespace: "kafka" },
  spec: {
    clusterIP: "None",
    publishNotReadyAddresses: true,
    selector: { "app.kubernetes.io/name": "kafka" },
    ports: [
      { name: "broker", port: 9092, targetPort: "broker" },
      { name: "controller", port: 9093, targetPort: 9093, protocol: "TCP" },
    ],
  },
});

const pdb = (): Obj => ({
  apiVersion: "policy/v1",
  kind: "PodDisruptionBudget",
  metadata: { name: "kafka", namespace: "kafka" },
  spec: { maxUnavailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": "kafka" } } },
});

const networkPolicy = (): Obj => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: { name: "kafka", namespace: "kafka" },
  spec: {
    podSelector: { matchLabels: { "app.kubernetes.io/name": "kafka" } },
    policyTypes: ["Ingress"],
    ingress: [
      {
        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "apps" } } }, { podSelector: { matchLabels: { "kafka-client": "true" } } }],
        ports: [{ protocol: "TCP", port: 9092 }, { port: "controller" }],
      },
    ],
  },
});

const configMap = (): Obj => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "kafka-config", namespace: "kafka" },
  data: { "server.properties": "process.roles=broker,controller\n", "log4j.properties": "" },
});

const namespace = (): Obj => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: {
    name: "kafka",
    labels: { "pod-security.kubernetes.io/enforce": "restricted" },
    annotations: { "argocd.argoproj.io/sync-wave": "-1" },
  },
});

const pvc = (): Obj => ({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: { name: "backup", namespace: "kafka" },
  spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
});

const secret = (): Obj => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: "kafka-cluster-id", namespace: "kafka" },
  type: "Opaque",
  stringData: { "cluster-id": "MkU3OEVBNTcwNTJENDM2Qk" },
});

const serviceAccount = (): Obj => ({
  apiVersion: "v1",
  kind: "ServiceAccount",
  metadata: { name: "kafka", namespace: "kafka" },
  automountServiceAccountToken: false,
});

const validObjects: Array<[string, () => Obj]> = [
  ["StatefulSet", statefulSet],
  ["Deployment", deployment],
  ["Service", headlessService],
  ["PodDisruptionBudget", pdb],
  ["NetworkPolicy", networkPolicy],
  ["ConfigMap", configMap],
  ["Namespace", namespace],
  ["PersistentVolumeClaim", pvc],
  ["Secret", secret],
  ["ServiceAccount", serviceAccount],
];

/** A fresh copy of `make()` changed by `edit`. */
function variant(make: () => Obj, edit: (o: Obj) => void): Obj {
  const obj = make();
  edit(obj);
  return obj;
}

for (const [kind, make] of validObjects) {
  test(`a valid ${kind} passes`, (t) => {
    const obj = make();
    t.is(obj.kind, kind);
    t.deepEqual(validateKubeObject(obj), []);
  });
}

test("validateKubeObjects accepts all the valid objects at once", (t) => {
  t.deepEqual(validateKubeObjects(validObjects.map(([, make]) => make())), []);
});

test("IntOrString and Quantity fields take numbers and strings", (t) => {
  const obj = variant(statefulSet, (o) => {
    const c = o.spec.template.spec.containers[0];
    c.resources = { requests: { cpu: 1, memory: "1Gi" }, limits: { cpu: "1500m", memory: 2147483648 } };
    c.readinessProbe.tcpSocket.port = "broker";
    c.livenessProbe.tcpSocket.port = 9093;
  });
  t.deepEqual(validateKubeObject(obj), []);
  t.deepEqual(validateKubeObject(variant(pdb, (o) => (o.spec.maxUnavailable = "25%"))), []);
});

test("free-form maps accept any key", (t) => {
  const obj = variant(statefulSet, (o) => {
    o.metadata.labels.labelz = "x";
    o.spec.template.spec.nodeSelector.envFrm = "x";
    o.spec.selector.matchLabels.podManagmentPolicy = "x";
    o.spec.template.spec.containers[0].resources.limits["nvidia.com/gpu"] = 1;
  });
  t.deepEqual(validateKubeObject(obj), []);
});

const typos: Array<[string, () => Obj, (o: Obj) => void, string]> = [
  ["metadata", statefulSet, (o) => (o.metadata.labelz = { a: "b" }), "StatefulSet/kafka: metadata.labelz: unknown field"],
  ["spec", statefulSet, (o) => (o.spec.podManagmentPolicy = "Parallel"), "StatefulSet/kafka: spec.podManagmentPolicy: unknown field"],
  [
    "container",
    statefulSet,
    (o) => (o.spec.template.spec.containers[0].envFrm = [{ configMapRef: { name: "x" } }]),
    "StatefulSet/kafka: spec.template.spec.containers[0].envFrm: unknown field",
  ],
  [
    "probe",
    statefulSet,
    (o) => (o.spec.template.spec.containers[0].startupProbe.tcpSocket.prot = 9092),
    "StatefulSet/kafka: spec.template.spec.containers[0].startupProbe.tcpSocket.prot: unknown field",
  ],
  [
    "volumeClaimTemplates spec",
    statefulSet,
    (o) => (o.spec.volumeClaimTemplates[0].spec.storageClasName = "fast"),
    "StatefulSet/kafka: spec.volumeClaimTemplates[0].spec.storageClasName: unknown field",
  ],
  [
    "affinity term",
    statefulSet,
    (o) => (o.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologykey = "zone"),
    "StatefulSet/kafka: spec.template.spec.affinity.podAntiAffinity" +
      ".preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologykey: unknown field",
  ],
  [
    "env valueFrom",
    statefulSet,
    (o) => (o.spec.template.spec.containers[0].env[0].valueFrom.fieldRef.path = "x"),
    "StatefulSet/kafka: spec.template.spec.containers[0].env[0].valueFrom.fieldRef.path: unknown field",
  ],
  ["Service port", headlessService, (o) => (o.spec.ports[0].targetport = 9092), "Service/kafka-headless: spec.ports[0].targetport: unknown field"],
  [
    "NetworkPolicy selector",
    networkPolicy,
    (o) => (o.spec.ingress[0].from[0].namespaceSelector.matchLabel = { a: "b" }),
    "NetworkPolicy/kafka: spec.ingress[0].from[0].namespaceSelector.matchLabel: unknown field",
  ],
  ["ConfigMap top level", configMap, (o) => (o.spec = {}), "ConfigMap/kafka-config: spec: unknown field"],
];

for (const [where, make, edit, expected] of typos) {
  test(`an unknown field in ${where} is reported with its path`, (t) => {
    t.deepEqual(validateKubeObject(variant(make, edit)), [expected]);
  });
}

test("several unknown fields are all reported", (t) => {
  const obj = variant(deployment, (o) => {
    o.spec.strategy.tpye = "Recreate";
    o.spec.template.spec.containers[0].readinessProbe.httpGet.pth = "/";
  });
  t.deepEqual(validateKubeObject(obj), [
    "Deployment/kafka-ui: spec.strategy.tpye: unknown field",
    "Deployment/kafka-ui: spec.template.spec.containers[0].readinessProbe.httpGet.pth: unknown field",
  ]);
});

test("a wrong type is reported by the official schema", (t) => {
  t.deepEqual(validateKubeObject(variant(statefulSet, (o) => (o.spec.replicas = "three"))), ["StatefulSet/kafka: spec.replicas: must be integer"]);
  t.deepEqual(validateKubeObject(variant(statefulSet, (o) => (o.spec.template.spec.containers[0].ports[1].containerPort = "9093"))), [
    "StatefulSet/kafka: spec.template.spec.containers[0].ports[1].containerPort: must be integer",
  ]);
});

test("an IntOrString of the wrong type reads as one message", (t) => {
  const obj = variant(statefulSet, (o) => (o.spec.template.spec.containers[0].readinessProbe.tcpSocket.port = true));
  t.deepEqual(validateKubeObject(obj), ["StatefulSet/kafka: spec.template.spec.containers[0].readinessProbe.tcpSocket.port: must be string or integer"]);
});

test("an invalid enum value lists the allowed values", (t) => {
  t.deepEqual(validateKubeObject(variant(statefulSet, (o) => (o.spec.podManagementPolicy = "Paralel"))), [
    'StatefulSet/kafka: spec.podManagementPolicy: must be equal to one of the allowed values: "OrderedReady", "Parallel"',
  ]);
});

test("a missing required field is reported", (t) => {
  t.deepEqual(validateKubeObject(variant(statefulSet, (o) => delete o.spec.selector)), ["StatefulSet/kafka: spec: must have required property selector"]);
});

test("map keys in paths are quoted", (t) => {
  const obj = variant(configMap, (o) => (o.data["server.properties"] = 42));
  t.deepEqual(validateKubeObject(obj), ['ConfigMap/kafka-config: data["server.properties"]: must be string']);
});

test("an unsupported kind is an error", (t) => {
  const ingress = { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "web" }, spec: {} };
  t.deepEqual(validateKubeObject(ingress), ["Ingress/web: unsupported kind networking.k8s.io/v1/Ingress"]);
  // A supported kind under another apiVersion is not supported either.
  const oldSts = variant(statefulSet, (o) => (o.apiVersion = "apps/v1beta1"));
  t.deepEqual(validateKubeObject(oldSts), ["StatefulSet/kafka: unsupported kind apps/v1beta1/StatefulSet"]);
});

test("something that is not a Kubernetes object is an error", (t) => {
  t.deepEqual(validateKubeObject(null), ["?/?: expected an object, got null"]);
  t.deepEqual(validateKubeObject({ metadata: { name: "x" } }), ["?/x: apiVersion and kind must be strings"]);
});

test("argoproj.io objects pass through unchecked", (t) => {
  const app = {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: { name: "kafka", whatever: true },
    spec: { anything: { goes: [1, 2, 3] } },
  };
  t.deepEqual(validateKubeObject(app), []);
});

test("validateKubeObjects concatenates the messages in order", (t) => {
  const objs = [variant(headlessService, (o) => (o.spec.clusterIp = "None")), configMap(), { apiVersion: "v1", kind: "Pod", metadata: { name: "p" } }];
  t.deepEqual(validateKubeObjects(objs), ["Service/kafka-headless: spec.clusterIp: unknown field", "Pod/p: unsupported kind v1/Pod"]);
});
