// Each guard refuses its change, and only the flag meant for it lets it through.
import test from "ava";
import { refusals, type GuardOptions } from "../generator/guards.js";
import { statesFromModel } from "../generator/model/state.js";
import { riskWarnings } from "../generator/review/risks.js";
import { environmentStates } from "../generator/review/state.js";
import { formatProblem } from "../generator/errors.js";
import { renderText } from "./support/render.js";

const REPO = "repo: {url: https://github.com/acme/k.git}\n";
const text = (envs: string, kafka = "") => REPO + kafka + "environments:\n" + envs;
/** The committed side is parsed from rendered files; the new side comes from the model, as in the scaffold. */
const committed = (envs: string, kafka = "") => environmentStates(renderText(text(envs, kafka)).tree);
const fresh = (envs: string, kafka = "") => statesFromModel(renderText(text(envs, kafka)).model);
const BASE = "  prod: {brokers: 4, storage: {size: 100Gi, storageClass: fast}}\n  dev: {}\n";
const NONE: GuardOptions = { allowScaleDown: false, allowRemove: [] };

function refused(after: string, opts = NONE, kafka = ""): string[] {
  return refusals(riskWarnings(committed(BASE), fresh(after, kafka)), opts).map(formatProblem);
}

test("an unchanged config and a safe change (growing brokers) are never refused", (t) => {
  t.deepEqual(refused(BASE), []);
  t.deepEqual(refused(BASE.replace("brokers: 4", "brokers: 6")), []);
});

const cases: Array<[string, string, RegExp, string?]> = [
  [
    "a changed voter set",
    BASE.replace("brokers: 4", "brokers: 5, controllers: 5"),
    /^environments\.prod\.controllers: refused: KRaft voters change from 3 .* Safe way: Keep controllers: 3.*pass --allow-identity-change prod\.$/,
  ],
  [
    "a changed topology",
    BASE.replace("brokers: 4", "brokers: 4, topology: dedicated"),
    /^environments\.prod\.topology: refused: topology changes from combined to dedicated.*--allow-identity-change prod\.$/,
  ],
  [
    "a changed cluster id",
    BASE.replace("brokers: 4", "brokers: 4, clusterId: AAAAAAAAAAAAAAAAAAAAAA"),
    /^environments\.prod\.clusterId: refused: CLUSTER_ID changes from .* set environments\.prod\.clusterId: .*--allow-identity-change prod\.$/,
  ],
  [
    "a smaller volume",
    BASE.replace("100Gi", "50Gi"),
    /^environments\.prod\.storage\.size: refused: storage per broker decreases from 100Gi to 50Gi.*--allow-storage-change prod\.$/,
  ],
  [
    "another storage class",
    BASE.replace("storageClass: fast", "storageClass: slow"),
    /^environments\.prod\.storage\.storageClass: refused: StorageClass .* from fast to slow.*--allow-storage-change prod\.$/,
  ],
  [
    "a broker scale-down",
    BASE.replace("brokers: 4", "brokers: 3"),
    /^environments\.prod\.brokers: refused: brokers decrease from 4 to 3.*kafka-reassign-partitions\.sh.*pass --allow-scale-down\.$/,
  ],
  ["a removed environment", "  dev: {}\n", /^environments\.prod: refused: environment removed.*pass --allow-remove prod\.$/],
  [
    "a moved namespace",
    BASE.replace("brokers: 4", "brokers: 4, namespace: elsewhere"),
    /^environments\.prod\.namespace: refused: namespace changes from kafka-prod to elsewhere.*--allow-move prod\.$/,
  ],
  [
    "another API server",
    BASE.replace("brokers: 4", "brokers: 4, server: 'https://other.example.com'"),
    /^environments\.prod\.server: refused: destination server changes from https:\/\/kubernetes\.default\.svc to https:\/\/other\.example\.com.*Keep server: https:\/\/kubernetes\.default\.svc.*--allow-move prod\.$/,
  ],
];
for (const [name, after, expected] of cases)
  test(`refuses ${name}`, (t) => {
    const lines = refused(after);
    t.is(lines.length, 1, lines.join("\n"));
    t.regex(lines[0]!, expected);
  });

test("the same server spelt differently (case, default port, trailing slash) is not a move", (t) => {
  for (const server of ["HTTPS://Kubernetes.Default.SVC", "https://kubernetes.default.svc:443", "https://kubernetes.default.svc/"])
    t.deepEqual(refused(BASE.replace("brokers: 4", `brokers: 4, server: '${server}'`)), [], server);
});

test("kafka.name is identity: a new name with namespace and clusterId pinned is still refused, at kafka.name", (t) => {
  const ids = committed(BASE);
  const pinned = `  prod: {brokers: 4, storage: {size: 100Gi, storageClass: fast}, namespace: kafka-prod, clusterId: ${ids.get("prod")!.clusterId}}\n  dev: {namespace: kafka-dev, clusterId: ${ids.get("dev")!.clusterId}}\n`;
  const lines = refused(pinned, NONE, "kafka: {name: events}\n");
  t.deepEqual(
    lines.map((l) => l.split(": refused")[0]),
    ["kafka.name", "kafka.name"],
  );
  t.regex(
    lines.find((l) => l.endsWith("--allow-move prod."))!,
    /object names change from kafka-\* to events-\* \(pods kafka-0, kafka-1, kafka-2 become events-0, events-1, events-2.*new, empty volumes.*Keep kafka\.name: kafka.*--allow-move/,
  );
  t.deepEqual(refused(pinned, { ...NONE, allowMove: ["prod", "dev"] }, "kafka: {name: events}\n"), []);
});

test("a rename that keeps namespace and CLUSTER_ID is a rename, not a removal; one that does not says how to pin it", (t) => {
  const id = committed(BASE).get("prod")!.clusterId!;
  const renamed = `  production: {brokers: 4, storage: {size: 100Gi, storageClass: fast}, namespace: kafka-prod, clusterId: ${id}}\n  dev: {}\n`;
  const warnings = riskWarnings(committed(BASE), fresh(renamed));
  t.deepEqual(
    warnings.map((w) => `${w.environment}:${w.kind}`),
    ["production:environment-renamed"],
  );
  t.regex(warnings[0]!.message, /environment prod is renamed to production: it keeps namespace kafka-prod/);
  t.deepEqual(refusals(warnings, NONE), []);

  // Same namespace, derived (new) CLUSTER_ID: the same volumes would get a new id.
  const sameNamespace = riskWarnings(committed(BASE), fresh(renamed.replace(`, clusterId: ${id}`, "")));
  const lines = refusals(sameNamespace, NONE).map(formatProblem);
  t.is(lines.length, 1, lines.join("\n"));
  t.regex(
    lines[0]!,
    new RegExp(`^environments\\.production\\.clusterId: refused: CLUSTER_ID changes from ${id} .*set environments\\.production\\.clusterId: ${id}`),
  );

  // Nothing pinned: a removal plus an addition, and the message says how to make it a rename.
  const unpinned = refused("  production: {brokers: 4, storage: {size: 100Gi, storageClass: fast}}\n  dev: {}\n");
  t.is(unpinned.length, 1);
  t.regex(
    unpinned[0]!,
    /^environments\.prod: refused: environment removed.*This is not a rename: no new environment \(production\) runs in namespace kafka-prod.*To rename prod to production, pin its identity: environments\.production\.namespace: kafka-prod, server: https:\/\/kubernetes\.default\.svc, clusterId: /,
  );
});

test("a controller-only volume change names the controllerNodes keys", (t) => {
  const before = "  prod: {topology: dedicated, brokers: 3, controllerNodes: {storage: {size: 20Gi, storageClass: fast}}}\n";
  const lines = refusals(riskWarnings(committed(before), fresh(before.replace("20Gi", "10Gi").replace("fast", "slow"))), NONE).map(formatProblem);
  t.deepEqual(
    lines.map((l) => l.split(":")[0]),
    ["environments.prod.controllerNodes.storage.size", "environments.prod.controllerNodes.storage.storageClass"],
  );
});

test("hand-edited node ids and claims are refused (a pull request that was not generated)", (t) => {
  const b = committed(BASE.replace("prod: {", "prod: {workload: deployment-per-broker, "));
  const after = new Map(b);
  const prod = after.get("prod")!;
  after.set("prod", { ...prod, nodes: prod.nodes!.map((n) => (n.id === 3 ? { ...n, id: 7 } : n.id === 1 ? { ...n, claim: "data-other" } : n)) });
  const lines = refusals(riskWarnings(b, after), NONE).map(formatProblem);
  t.is(lines.length, 2, lines.join("\n"));
  t.regex(lines[0]!, /^environments\.prod: refused: node ids change \(pod kafka-broker-3: node 3 -> 7\).*--allow-identity-change prod\.$/);
  t.regex(lines[1]!, /^environments\.prod\.storage: refused: data volume claims change \(node 1: data-kafka-1 -> data-other\).*--allow-storage-change prod\.$/);
});

test("each flag lets exactly its own change through, and only for its environment", (t) => {
  t.deepEqual(refused(BASE.replace("brokers: 4", "brokers: 3"), { ...NONE, allowScaleDown: true }), []);
  t.deepEqual(refused("  dev: {}\n", { ...NONE, allowRemove: ["prod"] }), []);
  t.deepEqual(refused(BASE.replace("100Gi", "50Gi"), { ...NONE, allowStorageChange: ["prod"] }), []);
  t.deepEqual(refused(BASE.replace("brokers: 4", "brokers: 4, namespace: elsewhere"), { ...NONE, allowMove: ["prod"] }), []);
  t.deepEqual(refused(BASE.replace("brokers: 4", "brokers: 4, clusterId: AAAAAAAAAAAAAAAAAAAAAA"), { ...NONE, allowIdentityChange: ["prod"] }), []);
  const everyOther: GuardOptions = {
    allowScaleDown: true,
    allowRemove: ["prod"],
    allowMove: ["prod"],
    allowIdentityChange: ["prod"],
    allowStorageChange: ["dev"],
  };
  t.is(refused(BASE.replace("100Gi", "50Gi"), everyOther).length, 1, "the flags are not interchangeable, nor the environments");
  t.is(refused("  dev: {}\n", { ...NONE, allowScaleDown: true, allowRemove: ["dev"] }).length, 1);
});
