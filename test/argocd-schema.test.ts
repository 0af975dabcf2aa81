import test from "ava";
import { schemaCompilations, validateArgoObject, validateArgoObjects } from "./support/argocd-schema.js";

type Obj = Record<string, any>;

// Fresh copies per test, so one test's mutation cannot leak into another.
function application(): Obj {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: {
      name: "kafka-dev",
      namespace: "argocd",
      labels: { "app.kubernetes.io/part-of": "kafka", environment: "dev" },
      annotations: {
        "argocd.argoproj.io/manifest-generate-paths": ".;../../base",
        "argocd.argoproj.io/sync-wave": "1",
      },
      finalizers: ["resources-finalizer.argocd.argoproj.io"],
    },
    spec: {
      project: "kafka",
      source: {
        repoURL: "https://git.example.com/platform/kafka-gitops.git",
        targetRevision: "main",
        path: "clusters/dev",
      },
      destination: { server: "https://kubernetes.default.svc", namespace: "kafka" },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        retry: { limit: 5, backoff: { duration: "5s", factor: 2, maxDuration: "3m" } },
        syncOptions: ["CreateNamespace=true", "ServerSideApply=true", "PruneLast=true"],
      },
    },
  };
}

function appProject(): Obj {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AppProject",
    metadata: { name: "kafka", namespace: "argocd" },
    spec: {
      description: "Apache Kafka (KRaft) clusters",
      sourceRepos: ["https://git.example.com/platform/kafka-gitops.git"],
      destinations: [
        { server: "https://kubernetes.default.svc", namespace: "kafka" },
        { server: "https://kubernetes.default.svc", namespace: "kafka-*" },
      ],
      clusterResourceWhitelist: [{ group: "", kind: "Namespace" }],
      namespaceResourceWhitelist: [
        { group: "kafka.strimzi.io", kind: "*" },
        { group: "", kind: "ConfigMap" },
      ],
    },
  };
}

function applicationSet(): Obj {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "ApplicationSet",
    metadata: { name: "kafka-clusters", namespace: "argocd" },
    spec: {
      goTemplate: true,
      goTemplateOptions: ["missingkey=error"],
      generators: [
        {
          list: {
            elements: [
              { env: "dev", server: "https://kubernetes.default.svc" },
              { env: "prod", server: "https://prod.example.com:6443" },
            ],
          },
        },
      ],
      template: {
        metadata: {
          name: "kafka-{{.env}}",
          annotations: { "argocd.argoproj.io/manifest-generate-paths": "." },
        },
        spec: {
          project: "kafka",
          source: {
            repoURL: "https://git.example.com/platform/kafka-gitops.git",
            targetRevision: "main",
            path: "clusters/{{.env}}",
          },
          destination: { server: "{{.server}}", namespace: "kafka" },
          syncPolicy: { automated: { prune: true, selfHeal: true } },
        },
      },
    },
  };
}

test("a realistic Application is valid", (t) => {
  t.deepEqual(validateArgoObject(application()), []);
});

test("a realistic AppProject is valid", (t) => {
  t.deepEqual(validateArgoObject(appProject()), []);
});

test("a realistic ApplicationSet is valid", (t) => {
  t.deepEqual(validateArgoObject(applicationSet()), []);
});

test("validateArgoObjects concatenates messages of every object", (t) => {
  t.deepEqual(validateArgoObjects([application(), appProject(), applicationSet()]), []);
  const project = appProject();
  project.spec.sourceRepo = project.spec.sourceRepos;
  const app = application();
  app.spec.projekt = "kafka";
  t.deepEqual(validateArgoObjects([app, applicationSet(), project]), [
    "Application/kafka-dev: spec.projekt: unknown field",
    "AppProject/kafka: spec.sourceRepo: unknown field",
  ]);
});

// Misspellings at several depths: each must be reported by its full path, and nothing else.
const misspellings: [string, () => Obj, (o: Obj) => void, string][] = [
  [
    "top level",
    application,
    (o) => {
      o.specs = o.spec;
    },
    "Application/kafka-dev: specs: unknown field",
  ],
  [
    "spec",
    application,
    (o) => {
      o.spec.sourc = {};
    },
    "Application/kafka-dev: spec.sourc: unknown field",
  ],
  [
    "spec.source",
    application,
    (o) => {
      o.spec.source.targetRevison = "main";
    },
    "Application/kafka-dev: spec.source.targetRevison: unknown field",
  ],
  [
    "spec.syncPolicy.automated",
    application,
    (o) => {
      o.spec.syncPolicy.automated.prun = true;
    },
    "Application/kafka-dev: spec.syncPolicy.automated.prun: unknown field",
  ],
  [
    "spec.syncPolicy.retry.backoff",
    application,
    (o) => {
      o.spec.syncPolicy.retry.backoff.maxDurration = "3m";
    },
    "Application/kafka-dev: spec.syncPolicy.retry.backoff.maxDurration: unknown field",
  ],
  [
    "array item",
    appProject,
    (o) => {
      o.spec.destinations[1].nameSpace = "x";
    },
    "AppProject/kafka: spec.destinations[1].nameSpace: unknown field",
  ],
  [
    "generator",
    applicationSet,
    (o) => {
      o.spec.generators[0].list.element = [];
    },
    "ApplicationSet/kafka-clusters: spec.generators[0].list.element: unknown field",
  ],
  [
    "template",
    applicationSet,
    (o) => {
      o.spec.template.spec.syncPolicy.automated.selfheal = true;
    },
    "ApplicationSet/kafka-clusters: spec.template.spec.syncPolicy.automated.selfheal: unknown field",
  ],
];
for (const [where, make, mutate, expected] of misspellings) {
  test(`a misspelled field is rejected: ${where}`, (t) => {
    const obj = make();
    mutate(obj);
    t.deepEqual(validateArgoObject(obj), [expected]);
  });
}

test("operation is only a top-level field where the CRD declares it", (t) => {
  const app = application();
  app.operation = { sync: { prune: true } };
  t.deepEqual(validateArgoObject(app), []);
  const project = appProject();
  project.operation = { sync: { prune: true } };
  t.deepEqual(validateArgoObject(project), ["AppProject/kafka: operation: unknown field"]);
});

test("preserve-unknown-fields leaves free-form values open", (t) => {
  const app = application();
  app.spec.source.helm = { valuesObject: { kafka: { replicas: 3, anyField: { deeper: true } } } };
  t.deepEqual(validateArgoObject(app), []);
  // ...but the object around it is still closed.
  app.spec.source.helm.valueObject = {};
  t.deepEqual(validateArgoObject(app), ["Application/kafka-dev: spec.source.helm.valueObject: unknown field"]);
});

test("wrong types are rejected with path and types", (t) => {
  const app = application();
  app.spec.syncPolicy.automated.prune = "true";
  app.spec.syncPolicy.syncOptions = "CreateNamespace=true";
  app.spec.syncPolicy.retry.limit = "5";
  t.deepEqual(validateArgoObject(app).sort(), [
    "Application/kafka-dev: spec.syncPolicy.automated.prune: must be boolean, got string",
    "Application/kafka-dev: spec.syncPolicy.retry.limit: must be integer, got string",
    "Application/kafka-dev: spec.syncPolicy.syncOptions: must be array, got string",
  ]);
});

test("x-kubernetes-int-or-string accepts integer or string only", (t) => {
  const app = application();
  app.spec.source.kustomize = {
    replicas: [
      { name: "kafka", count: 3 },
      { name: "connect", count: "2" },
    ],
  };
  t.deepEqual(validateArgoObject(app), []);
  app.spec.source.kustomize.replicas[1].count = true;
  t.deepEqual(validateArgoObject(app), ["Application/kafka-dev: spec.source.kustomize.replicas[1].count: must be integer or string, got boolean"]);
});

test("required fields are enforced", (t) => {
  const app = application();
  delete app.spec.destination;
  t.deepEqual(validateArgoObject(app), ["Application/kafka-dev: spec.destination: required field missing"]);
});

test("an unknown kind or apiVersion is rejected", (t) => {
  const wrongKind = application();
  wrongKind.kind = "Applicaton";
  t.deepEqual(validateArgoObject(wrongKind), [
    'Applicaton/kafka-dev: kind: unknown kind "Applicaton" (expected one of Application, AppProject, ApplicationSet)',
  ]);
  const wrongVersion = application();
  wrongVersion.apiVersion = "argoproj.io/v1beta1";
  t.deepEqual(validateArgoObject(wrongVersion), [
    'Application/kafka-dev: apiVersion: "argoproj.io/v1beta1" is not served for Application (served: argoproj.io/v1alpha1)',
  ]);
  const inherited = application();
  inherited.kind = "toString";
  t.regex(validateArgoObject(inherited)[0] ?? "", /kind: unknown kind "toString"/);
  const missingKind = application();
  delete missingKind.kind;
  t.regex(validateArgoObject(missingKind)[0] ?? "", /^<no kind>\/kafka-dev: kind: unknown kind undefined/);
  t.deepEqual(validateArgoObject("kind: Application"), ["<not an object>: expected a Kubernetes object, got string"]);
});

test("metadata is checked as ObjectMeta", (t) => {
  const app = application();
  app.metadata.labelz = { a: "b" };
  t.deepEqual(validateArgoObject(app), ["Application/kafka-dev: metadata.labelz: unknown field"]);

  const serverSide = application();
  serverSide.metadata.resourceVersion = "12345";
  t.deepEqual(validateArgoObject(serverSide), ["Application/kafka-dev: metadata.resourceVersion: unknown field"]);

  const badValues = application();
  badValues.metadata.labels.version = "3.9.0+build";
  badValues.metadata.annotations["argocd.argoproj.io/sync-wave"] = 1;
  badValues.metadata.name = "Kafka_Dev";
  t.deepEqual(
    validateArgoObject(badValues).sort(),
    [
      'Application/Kafka_Dev: metadata.annotations["argocd.argoproj.io/sync-wave"]: must be string, got integer',
      `Application/Kafka_Dev: metadata.labels.version: must match pattern "^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$"`,
      `Application/Kafka_Dev: metadata.name: must match pattern "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"`,
    ].sort(),
  );

  const badKey = application();
  badKey.metadata.labels["bad key"] = "x";
  t.deepEqual(validateArgoObject(badKey).length, 1);
  t.regex(validateArgoObject(badKey)[0] ?? "", /^Application\/kafka-dev: metadata\.labels: key "bad key" must match pattern/);

  const noName = application();
  delete noName.metadata.name;
  t.deepEqual(validateArgoObject(noName), ["Application/<unnamed>: metadata.name: required field missing"]);
});

test("schemas are compiled once per kind and version, then reused", (t) => {
  t.deepEqual(validateArgoObject(applicationSet()), []);
  const compiled = schemaCompilations();
  for (let i = 0; i < 20; i++) t.deepEqual(validateArgoObject(applicationSet()), []);
  t.is(schemaCompilations(), compiled, "a later validation compiled the schema again");
});
