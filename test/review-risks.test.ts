// Risk warnings computed directly from rendered trees: each risky change to
// kafka-gitops.yaml yields its warning, naming the environment and what to do,
// and harmless changes yield none. Also the state read back from the files.
import test from "ava";
import { environmentStates, parseEnvironmentStates } from "../generator/review/state.js";
import { compareVersions, isNote, riskWarnings, versionOf, type WarningKind } from "../generator/review/risks.js";
import { warningLines } from "../generator/review/scaffold-warnings.js";
import { config } from "./support/configs.js";
import { renderText } from "./support/render.js";

const BASE = { dev: "{brokers: 1}", prod: "{brokers: 3, storage: {size: 100Gi}}" };

function warningsFor(before: string, after: string) {
  return riskWarnings(environmentStates(renderText(before).tree), environmentStates(renderText(after).tree));
}

const kinds = (ws: Array<{ environment: string; kind: WarningKind }>) => ws.map((w) => `${w.environment}:${w.kind}`);

test("no change and harmless changes give no warning", (t) => {
  const before = config(BASE);
  t.deepEqual(warningsFor(before, before), []);
  // Growing brokers, raising the heap, adding a setting, upgrading the image, adding an environment: none is risky.
  const after = config(
    { ...BASE, prod: "{brokers: 5, controllers: 3, storage: {size: 100Gi}, heap: 600m, config: {log.retention.ms: 1000}}", qa: "{brokers: 1}" },
    "{image: apache/kafka:4.4.0}",
  );
  // Growing brokers yields only the note that says how to move partitions onto the new ones.
  t.deepEqual(kinds(warningsFor(before, after)), ["prod:brokers-added"]);
  t.true(warningsFor(before, after).every(isNote));
});

const CASES: Array<[string, Record<string, string>, string, WarningKind[], RegExp]> = [
  [
    "removing an environment",
    { dev: BASE.dev },
    "",
    ["environment-removed"],
    /prod: environment removed: Argo CD deletes Application kafka-prod but nothing it deployed/,
  ],
  ["shrinking storage", { ...BASE, prod: "{brokers: 3, storage: {size: 50Gi}}" }, "", ["storage-shrunk"], /storage per broker decreases from 100Gi to 50Gi/],
  [
    "changing the controller count",
    { ...BASE, prod: "{brokers: 3, controllers: 1, storage: {size: 100Gi}}" },
    "",
    ["voters-changed"],
    /KRaft voters change from 3 \(nodes 0, 1, 2\) to 1 \(node 0\)/,
  ],
  [
    "switching the workload",
    { ...BASE, prod: "{brokers: 3, storage: {size: 100Gi}, workload: deployment-per-broker}" },
    "",
    ["workload-switched"],
    /workload switches from statefulset to deployment-per-broker: every broker restarts at once/,
  ],
  [
    "moving to another StorageClass",
    { ...BASE, prod: "{brokers: 3, storage: {size: 100Gi, storageClass: fast}}" },
    "",
    ["storage-class-changed"],
    /from the cluster default to fast/,
  ],
  [
    "growing a StatefulSet's volumes",
    { ...BASE, prod: "{brokers: 3, storage: {size: 200Gi}}" },
    "",
    ["storage-grown-statefulset"],
    /volumeClaimTemplates cannot change/,
  ],
  [
    "setting another cluster id",
    { ...BASE, prod: "{brokers: 3, storage: {size: 100Gi}, clusterId: AAAAAAAAAAAAAAAAAAAAAA}" },
    "",
    ["cluster-id-changed"],
    /CLUSTER_ID changes from \S+ to AAAAAAAAAAAAAAAAAAAAAA/,
  ],
  [
    "downgrading the image",
    { ...BASE, prod: "{brokers: 3, storage: {size: 100Gi}, image: 'apache/kafka:4.2.1'}" },
    "",
    ["image-downgraded"],
    /image downgrades from apache\/kafka:4\.3\.1 to apache\/kafka:4\.2\.1/,
  ],
  [
    "moving the namespace",
    { ...BASE, prod: "{brokers: 3, storage: {size: 100Gi}, namespace: kafka-production}" },
    "",
    ["namespace-changed"],
    /namespace changes from kafka-prod to kafka-production/,
  ],
  [
    "turning selfHeal off",
    { ...BASE, prod: "{brokers: 3, storage: {size: 100Gi}, sync: {selfHeal: false}}" },
    "",
    ["sync-loosened"],
    /sync policy loosened: selfHeal off/,
  ],
  [
    "turning automated sync off",
    { ...BASE, prod: "{brokers: 3, storage: {size: 100Gi}, sync: {automated: false}}" },
    "",
    ["sync-loosened"],
    /loosened: automated sync off: merged commits wait for a manual sync, so Git no longer says what runs$/,
  ],
  [
    "moving to dedicated controllers",
    { ...BASE, prod: "{brokers: 3, storage: {size: 100Gi}, topology: dedicated}" },
    "",
    ["topology-changed"],
    /topology changes from combined to dedicated/,
  ],
];

for (const [label, envs, kafka, expected, message] of CASES) {
  test(`warning: ${label}`, (t) => {
    const ws = warningsFor(config(BASE), config(envs, kafka));
    t.deepEqual(
      kinds(ws),
      expected.map((k) => `prod:${k}`),
    );
    for (const w of ws) {
      t.regex(w.message, message);
      t.true(w.message.startsWith("prod: "), "names the environment");
      t.true(w.advice.length > 20, "says what to do");
    }
  });
}

test("warning: fewer brokers, with the replication factor drop and what to do", (t) => {
  const ws = warningsFor(config({ prod: "{brokers: 4, controllers: 3}" }), config({ prod: "{brokers: 3, controllers: 3}" }));
  t.deepEqual(kinds(ws), ["prod:brokers-decreased"]);
  t.regex(ws[0]!.message, /brokers decrease from 4 to 3: the broker with the highest node id stops/);
  t.regex(ws[0]!.advice, /kafka-reassign-partitions\.sh/);
  const two = warningsFor(config({ prod: "{brokers: 3, controllers: 1}" }), config({ prod: "{brokers: 2, controllers: 1}" }));
  t.regex(two[0]!.message, /default replication factor drops from 3 to 2/);
});

test("turning prune on is warned about too: its first sync deletes what drifted", (t) => {
  const ws = warningsFor(config({ prod: "{sync: {prune: false}}" }), config({ prod: "{sync: {prune: true}}" }));
  t.deepEqual(kinds(ws), ["prod:sync-enabled"]);
  t.regex(ws[0]!.message, /prune on: the next sync deletes every object Argo CD tracks that is no longer in Git/);
});

test("warnings are ordered by environment, then by severity", (t) => {
  const ws = warningsFor(
    config({ a: "{brokers: 3, storage: {size: 10Gi}}", b: "{brokers: 3}" }),
    config({ a: "{brokers: 3, controllers: 1, storage: {size: 5Gi}}" }),
  );
  t.deepEqual(kinds(ws), ["a:voters-changed", "a:storage-shrunk", "b:environment-removed"]);
  t.deepEqual(warningLines(ws)[0], "3 risky changes (review before merging; `npm run diff` shows the rendered objects):");
});

test("image versions compare numerically", (t) => {
  t.deepEqual(versionOf("apache/kafka:4.10.0"), [4, 10, 0]);
  t.deepEqual(versionOf("registry.local:5000/kafka:4.1.0-rc1"), [4, 1, 0]);
  t.is(versionOf("apache/kafka@sha256:" + "a".repeat(64)), undefined);
  t.true(compareVersions([4, 10, 0], [4, 9, 1]) > 0);
  t.true(compareVersions([4, 2], [4, 2, 1]) < 0);
  const up = warningsFor(config({ prod: "{}" }, "{image: 'apache/kafka:4.9.0'}"), config({ prod: "{}" }, "{image: 'apache/kafka:4.10.0'}"));
  t.deepEqual(up, [], "4.9 -> 4.10 is an upgrade");
  const down = warningsFor(config({ prod: "{}" }, "{image: 'apache/kafka:4.10.0'}"), config({ prod: "{}" }, "{image: 'apache/kafka:4.9.0'}"));
  t.deepEqual(kinds(down), ["prod:image-downgraded"]);
});

test("the state read back from generated files matches the config", (t) => {
  const { tree } = renderText(
    config({
      dev: "{brokers: 1}",
      prod: "{brokers: 4, workload: deployment-per-broker, image: 'apache/kafka:4.2.1', storage: {size: 50Gi, storageClass: fast}, heap: 600m, sync: {selfHeal: false}}",
      big: "{brokers: 2, topology: dedicated, controllerNodes: {storage: {size: 7Gi}}}",
    }),
  );
  const states = environmentStates(tree);
  t.deepEqual([...states.keys()], ["big", "dev", "prod"]);
  const prod = states.get("prod")!;
  t.like(prod, {
    namespace: "kafka-prod",
    workload: "deployment-per-broker",
    topology: "combined",
    brokers: 4,
    voterIds: [0, 1, 2],
    image: "apache/kafka:4.2.1",
    storage: { size: "50Gi", storageClass: "fast" },
    heap: "600m",
    sync: { application: "kafka-prod", automated: true, prune: true, selfHeal: false, cascadeDelete: false },
  });
  t.is(prod.nodes?.length, 4);
  t.deepEqual(
    prod.nodes?.map((n) => n.claim),
    ["data-kafka-0", "data-kafka-1", "data-kafka-2", "data-kafka-broker-3"],
  );
  t.is(prod.settings?.["min.insync.replicas"], "2");
  t.like(states.get("dev"), { workload: "statefulset", brokers: 1, voterIds: [0], image: "apache/kafka:4.3.1", storage: { size: "5Gi" } });
  t.like(states.get("big"), {
    topology: "dedicated",
    brokers: 2,
    voterIds: [0, 1, 2],
    controllerNodes: { storage: { size: "7Gi" } },
    storage: { size: "5Gi" },
  });
  t.is(states.get("big")!.nodes?.length, 5);
});

test("an unreadable or hand-edited file leaves its fields unknown and is reported, naming the file", (t) => {
  const { tree } = renderText(config({ prod: "{brokers: 3}" }));
  const broken = new Map(tree);
  broken.set("overlays/prod/statefulsets.yaml", "spec: [unclosed\n");
  broken.set("overlays/prod/kafka.env", "garbage without equals\n");
  const parsed = parseEnvironmentStates(broken);
  const files = new Set(parsed.problems.map((p) => p.file));
  t.deepEqual([...files].sort(), ["overlays/prod/kafka.env", "overlays/prod/kustomization.yaml", "overlays/prod/statefulsets.yaml"]);
  t.true(parsed.problems.some((p) => /statefulsets\.yaml/.test(p.file) && /not readable as YAML/.test(p.message)));
  const states = parsed.states;
  t.is(states.get("prod")!.storage, undefined);
  t.is(states.get("prod")!.clusterId, undefined);
  t.is(states.get("prod")!.namespace, "kafka-prod", "what is readable is still read");
  // Unknown on one side means: no warning about it, rather than a false alarm.
  t.deepEqual(riskWarnings(environmentStates(tree), states), []);
});

test("nothing committed yet: nothing to warn about", (t) => {
  const after = renderText(config({ dev: BASE.dev })).tree;
  t.deepEqual(riskWarnings(new Map(), environmentStates(after)), [], "a first scaffold has nothing to compare with");
});
