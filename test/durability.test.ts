import test from "ava";
import { replicationDefaults } from "../generator/model/model.js";
import { durabilityRisks, replicationPlan } from "../generator/review/durability.js";

const view = (brokers: number, extra: Record<string, string> = {}) => ({
  name: "prod",
  brokers,
  brokerIds: [...Array(brokers).keys()],
  settings: { ...replicationDefaults(brokers), ...extra },
});
const BOOT = "kafka-bootstrap.kafka-prod.svc:9092";

test("1 -> 3 brokers raises min.insync.replicas above the factor existing topics were created with", (t) => {
  const risks = durabilityRisks(view(1), view(3), BOOT);
  const tightened = risks.find((r) => r.kind === "durability-tightened");
  t.truthy(tightened);
  t.regex(tightened!.message, /min\.insync\.replicas rises to 2/);
  t.regex(tightened!.message, /__consumer_offsets \(created with factor 1/);
  t.regex(tightened!.message, /every topic created with the default factor 1/);
  t.regex(tightened!.advice, /replication-plan --env prod --topic __consumer_offsets --partitions 50 --factor 3/);
  t.truthy(risks.find((r) => r.kind === "brokers-added"));
});

test("2 -> 3 brokers: min ISR 2 is at most the old factor 2, so only a raised-defaults warning", (t) => {
  const kinds = durabilityRisks(view(2), view(3), BOOT).map((r) => r.kind);
  t.deepEqual(kinds, ["replication-raised", "brokers-added"]);
});

test("3 -> 4 brokers changes no replication setting; pinning min ISR avoids the refusal", (t) => {
  t.deepEqual(
    durabilityRisks(view(3), view(4), BOOT).map((r) => r.kind),
    ["brokers-added"],
  );
  t.false(
    durabilityRisks(view(1), view(3, { "min.insync.replicas": "1", "offsets.topic.replication.factor": "1" }), BOOT).some(
      (r) => r.kind === "durability-tightened",
    ),
  );
});

test("the replication plan gives every partition `factor` distinct brokers, round-robin", (t) => {
  const plan = JSON.parse(replicationPlan("__consumer_offsets", 5, [0, 1, 2, 3], 3));
  t.is(plan.version, 1);
  t.is(plan.partitions.length, 5);
  t.deepEqual(plan.partitions[0], { topic: "__consumer_offsets", partition: 0, replicas: [0, 1, 2] });
  t.deepEqual(plan.partitions[3].replicas, [3, 0, 1]);
  t.true(plan.partitions.every((p: { replicas: number[] }) => new Set(p.replicas).size === 3));
  t.throws(() => replicationPlan("t", 1, [0, 1], 3), { message: /needs at least 3 brokers/ });
});

// Through the real state model: the committed side parsed from rendered files, the new side from the model.
import { refusals } from "../generator/guards.js";
import { statesFromModel } from "../generator/model/state.js";
import { riskWarnings } from "../generator/review/risks.js";
import { environmentStates } from "../generator/review/state.js";
import { renderText } from "./support/render.js";

const cfg = (prod: string) => `repo: {url: https://github.com/acme/k.git}\nenvironments:\n  prod: ${prod}\n`;
const risksOf = (before: string, after: string) => riskWarnings(environmentStates(renderText(cfg(before)).tree), statesFromModel(renderText(cfg(after)).model));

test("scaling 1 -> 3 brokers (one voter kept) is refused unless --allow-durability-change names the environment", (t) => {
  const warnings = risksOf("{brokers: 1, controllers: 1}", "{brokers: 3, controllers: 1}");
  t.deepEqual(
    warnings.map((w) => w.kind).filter((k) => k.startsWith("durability") || k === "brokers-added"),
    ["durability-tightened"],
  );
  const refused = refusals(warnings, { allowScaleDown: false, allowRemove: [] });
  t.is(refused.length, 1);
  t.regex(refused[0]!.message, /__consumer_offsets.*pass --allow-durability-change prod\.$/);
  t.deepEqual(refusals(warnings, { allowScaleDown: false, allowRemove: [], allowDurabilityChange: ["prod"] }), []);
});

test("scaling 3 -> 4 brokers is no risk", (t) => {
  t.deepEqual(
    risksOf("{brokers: 3}", "{brokers: 4}").map((w) => w.kind),
    [],
  );
});
