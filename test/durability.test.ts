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
import { isNote, riskWarnings } from "../generator/review/risks.js";
import { warningLines } from "../generator/review/scaffold-warnings.js";
import { environmentStates } from "../generator/review/state.js";
import { renderText } from "./support/render.js";

const cfg = (prod: string) => `repo: {url: https://github.com/acme/k.git}\nenvironments:\n  prod: ${prod}\n`;
const risksOf = (before: string, after: string) => riskWarnings(environmentStates(renderText(cfg(before)).tree), statesFromModel(renderText(cfg(after)).model));

test("scaling 1 -> 3 brokers (one voter kept) is refused unless --allow-durability-change names the environment", (t) => {
  const warnings = risksOf("{brokers: 1, controllers: 1}", "{brokers: 3, controllers: 1}");
  t.deepEqual(
    warnings.map((w) => w.kind).filter((k) => k.startsWith("durability") || k === "brokers-added"),
    ["durability-tightened", "brokers-added"],
  );
  const refused = refusals(warnings, { allowScaleDown: false, allowRemove: [] });
  t.is(refused.length, 1);
  t.regex(refused[0]!.message, /__consumer_offsets.*pass --allow-durability-change prod\.$/);
  t.deepEqual(refusals(warnings, { allowScaleDown: false, allowRemove: [], allowDurabilityChange: ["prod"] }), []);
});

test("scaling 3 -> 4 brokers is no risk: only a note, never refused, with the commands that move partitions", (t) => {
  const ws = risksOf("{brokers: 3}", "{brokers: 4}");
  t.deepEqual(
    ws.map((w) => w.kind),
    ["brokers-added"],
  );
  t.true(ws.every(isNote));
  t.deepEqual(refusals(ws, { allowScaleDown: false, allowRemove: [] }), []);
  t.is(ws[0]!.message, "prod: 1 broker added (node 3): new brokers get no existing partitions by themselves");
  t.true(
    ws[0]!.advice.includes(
      "`npx kafka-gitops replication-plan --env prod --topic <topic> --partitions <its partition count> > plan.json` then " +
        "`kubectl -n kafka-prod exec -i kafka-0 -- sh -c 'cat > /tmp/plan.json && /opt/kafka/bin/kafka-reassign-partitions.sh --bootstrap-server kafka-bootstrap.kafka-prod.svc:9092 --reassignment-json-file /tmp/plan.json --execute' < plan.json` and " +
        "`kubectl -n kafka-prod exec -i kafka-0 -- /opt/kafka/bin/kafka-reassign-partitions.sh --bootstrap-server kafka-bootstrap.kafka-prod.svc:9092 --reassignment-json-file /tmp/plan.json --verify`",
    ),
    ws[0]!.advice,
  );
});

test("the advice passes the user's --dir and --config on, and execs into a Deployment's pod by deploy/", (t) => {
  const before = environmentStates(renderText(cfg("{brokers: 1, workload: deployment-per-broker}")).tree);
  const after = statesFromModel(renderText(cfg("{brokers: 3, workload: deployment-per-broker}")).model);
  const ws = riskWarnings(before, after, { dir: "platform/kafka", config: "my config.yaml" });
  const tightened = ws.find((w) => w.kind === "durability-tightened")!;
  t.regex(
    tightened.advice,
    /`npx kafka-gitops replication-plan --dir platform\/kafka --config 'my config\.yaml' --env prod --topic __consumer_offsets --partitions 50 --factor 3 > plan\.json`/,
  );
  t.regex(tightened.advice, /`kubectl -n kafka-prod exec -i deploy\/kafka-0 -- sh -c /);
});

test("the scaffold prints brokers-added as a note, not as a risky change", (t) => {
  const lines = warningLines(risksOf("{brokers: 3}", "{brokers: 4}"));
  t.is(lines[0], "note: prod: 1 broker added (node 3): new brokers get no existing partitions by themselves");
  t.regex(lines[1]!, /^ {2}what to do: once they are up, spread a topic over every broker: `npx kafka-gitops replication-plan --env prod /);
  t.false(lines.some((l) => /risky change|warning:/.test(l)));
});

test("with racks the plan puts each partition's replicas in distinct racks, also with uneven racks", (t) => {
  const racks = new Map([
    [3, "a"],
    [4, "b"],
    [5, "c"],
    [6, "a"],
  ]);
  const plan = JSON.parse(replicationPlan("t", 8, [3, 4, 5, 6], 3, racks));
  for (const p of plan.partitions) t.is(new Set(p.replicas.map((id: number) => racks.get(id))).size, 3, JSON.stringify(p));
  t.deepEqual(
    plan.partitions.slice(0, 4).map((p: { replicas: number[] }) => p.replicas),
    [
      [3, 4, 5],
      [4, 5, 6],
      [5, 6, 4],
      [6, 4, 5],
    ],
  );
  // Leaders (first replicas) stay spread over every broker.
  t.deepEqual([...new Set(plan.partitions.map((p: { replicas: number[] }) => p.replicas[0]))].sort(), [3, 4, 5, 6]);
  // More replicas than racks: the rest go to brokers not used yet.
  const two = new Map([
    [0, "a"],
    [1, "b"],
    [2, "a"],
  ]);
  t.deepEqual(JSON.parse(replicationPlan("t", 1, [0, 1, 2], 3, two)).partitions[0].replicas, [0, 1, 2]);
});
