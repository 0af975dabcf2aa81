// Each guard refuses its change, and only the flag meant for it lets it through.
import test from "ava";
import { refusals } from "../generator/guards.js";
import { riskWarnings } from "../generator/review/risks.js";
import { environmentStates } from "../generator/review/state.js";
import { formatProblem } from "../generator/errors.js";
import { renderText } from "./support/render.js";

const REPO = "repo: {url: https://github.com/acme/k.git}\n";
const states = (envs: string) => environmentStates(renderText(REPO + "environments:\n" + envs).tree);
const BASE = "  prod: {brokers: 4, storage: {size: 100Gi, storageClass: fast}}\n  dev: {}\n";
const NONE: { allowScaleDown: boolean; allowRemove: string[] } = { allowScaleDown: false, allowRemove: [] };

function refused(after: string, opts = NONE): string[] {
  return refusals(riskWarnings(states(BASE), states(after)), opts).map(formatProblem);
}

test("an unchanged config and a safe change (growing brokers) are never refused", (t) => {
  t.deepEqual(refused(BASE), []);
  t.deepEqual(refused(BASE.replace("brokers: 4", "brokers: 6")), []);
});

const cases: Array<[string, string, RegExp]> = [
  ["a changed voter set", BASE.replace("brokers: 4", "brokers: 5, controllers: 5"), /^environments\.prod\.controllers: refused: KRaft voters change from 3 .* Safe way: Keep controllers: 3/],
  ["a changed topology", BASE.replace("brokers: 4", "brokers: 4, topology: dedicated"), /^environments\.prod\.topology: refused: topology changes from combined to dedicated/],
  ["a changed cluster id", BASE.replace("brokers: 4", "brokers: 4, clusterId: AAAAAAAAAAAAAAAAAAAAAA"), /^environments\.prod\.clusterId: refused: CLUSTER_ID changes from .* set environments\.prod\.clusterId: /],
  ["a smaller volume", BASE.replace("100Gi", "50Gi"), /^environments\.prod\.storage\.size: refused: storage per broker decreases from 100Gi to 50Gi/],
  ["another storage class", BASE.replace("storageClass: fast", "storageClass: slow"), /^environments\.prod\.storage\.storageClass: refused: StorageClass .* from fast to slow/],
  ["a broker scale-down", BASE.replace("brokers: 4", "brokers: 3"), /^environments\.prod\.brokers: refused: brokers decrease from 4 to 3.*kafka-reassign-partitions\.sh.*pass --allow-scale-down\.$/],
  ["a removed environment", "  dev: {}\n", /^environments\.prod: refused: environment removed.*pass --allow-remove prod\.$/],
  ["a moved namespace", BASE.replace("brokers: 4", "brokers: 4, namespace: elsewhere"), /^environments\.prod\.namespace: refused: namespace changes from kafka-prod to elsewhere.*--allow-remove prod/],
];
for (const [name, after, expected] of cases)
  test(`refuses ${name}`, (t) => {
    const lines = refused(after);
    t.is(lines.length, 1, lines.join("\n"));
    t.regex(lines[0]!, expected);
  });

test("a controller-only volume change names the controllerNodes keys", (t) => {
  const before = "  prod: {topology: dedicated, brokers: 3, controllerNodes: {storage: {size: 20Gi, storageClass: fast}}}\n";
  const lines = refusals(
    riskWarnings(states(before), states(before.replace("20Gi", "10Gi").replace("fast", "slow"))),
    NONE,
  ).map(formatProblem);
  t.deepEqual(
    lines.map((l) => l.split(":")[0]),
    ["environments.prod.controllerNodes.storage.size", "environments.prod.controllerNodes.storage.storageClass"],
  );
});

test("--allow-scale-down and --allow-remove each let exactly their change through", (t) => {
  t.deepEqual(refused(BASE.replace("brokers: 4", "brokers: 3"), { allowScaleDown: true, allowRemove: [] }), []);
  t.deepEqual(refused("  dev: {}\n", { allowScaleDown: false, allowRemove: ["prod"] }), []);
  t.is(refused("  dev: {}\n", { allowScaleDown: true, allowRemove: ["dev"] }).length, 1, "the flags are not interchangeable");
  t.is(refused(BASE.replace("100Gi", "50Gi"), { allowScaleDown: true, allowRemove: ["prod"] }).length, 1, "volumes are never negotiable");
});
