// The e2e harness's cluster checks and the scale-up reassignment, on output captured from a real
// three-node Kafka 4.3.1 cluster (test/e2e-output/4.3.1-3-combined/) and a fake exec. No Kafka here.
import test from "ava";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  parseReassignVerify,
  planOnto,
  reassignArgv,
  ToolFailed,
  waitBrokersUnfenced,
  waitQuorum,
  waitUnderReplicatedZero,
  type Exec,
} from "../e2e/kafka/admin.js";
import { parseTopicDescribe } from "../e2e/kafka/tools.js";
import { REPO_ROOT } from "./support/paths.js";

const captured = (file: string) => readFileSync(join(REPO_ROOT, "test/e2e-output/4.3.1-3-combined", file), "utf8");

/** An Exec that answers each call with the next canned output of its tool's main class. */
function fakeExec(answers: Record<string, { code: number; stdout: string; stderr?: string }[]>): Exec & { calls: string[][] } {
  const calls: string[][] = [];
  const exec = async (argv: string[]) => {
    calls.push(argv);
    const main = argv.find((a) => a.startsWith("org.apache.kafka.") || a.startsWith("kafka.")) ?? "";
    const queue = answers[main];
    const next = queue && queue.length > 1 ? queue.shift() : queue?.[0];
    if (!next) throw new Error(`unexpected call ${argv.join(" ")}`);
    return { stderr: "", ...next };
  };
  return Object.assign(exec, { calls });
}

const TOPICS = "org.apache.kafka.tools.TopicCommand";
const QUORUM = "org.apache.kafka.tools.MetadataQuorumCommand";
const CLUSTER = "org.apache.kafka.tools.ClusterTool";

test("planOnto gives the new broker its share of replicas, moving followers only", (t) => {
  const [move] = parseTopicDescribe(captured("topics-describe-move-before.txt"));
  const plan = planOnto(move!, 2, 3);
  t.deepEqual(plan, {
    version: 1,
    partitions: [
      { topic: "move", partition: 0, replicas: [0, 2] },
      { topic: "move", partition: 1, replicas: [1, 2] },
      { topic: "move", partition: 2, replicas: [0, 2] },
    ],
  });
  for (const p of plan.partitions) t.is(p.replicas[0], move!.partitions[p.partition]!.leader ?? undefined, "the leader stays");
  t.deepEqual(planOnto({ ...move!, partitions: move!.partitions.map((p) => ({ ...p, replicas: [...p.replicas, 2] })) }, 2, 3).partitions, []);
});

test("reassignArgv writes the plan inside the client namespace and runs the tool on it", (t) => {
  const argv = reassignArgv("b:9092", { version: 1, partitions: [{ topic: "move", partition: 0, replicas: [0, 2] }] }, "verify");
  t.deepEqual(argv.slice(0, 2), ["bash", "-c"]);
  t.is(argv[4], '{"version":1,"partitions":[{"topic":"move","partition":0,"replicas":[0,2]}]}');
  t.is(argv[5], "/tmp/e2e-reassignment.json");
  t.deepEqual(argv.slice(-6), [
    "org.apache.kafka.tools.reassign.ReassignPartitionsCommand",
    "--bootstrap-server",
    "b:9092",
    "--reassignment-json-file",
    "/tmp/e2e-reassignment.json",
    "--verify",
  ]);
});

test("parseReassignVerify: done, still moving, failed", (t) => {
  t.deepEqual(parseReassignVerify(captured("reassign-verify.txt")), []);
  const moving = "Status of partition reassignment:\nReassignment of partition move-0 is still in progress.\nReassignment of partition move-1 is completed.\n";
  t.deepEqual(parseReassignVerify(moving), ["move-0"]);
  t.throws(() => parseReassignVerify("Reassignment of partition move-0 failed: NotLeaderOrFollowerException.\n"), { message: /no partition status/ });
  t.throws(() => parseReassignVerify("Status of partition reassignment:\nReassignment of partition move-0 is an error: boom.\n"), {
    message: /move-0: an error/,
  });
  t.regex(captured("reassign-execute.txt"), /Successfully started partition reassignments for move-0,move-1,move-2/);
});

test("waitUnderReplicatedZero polls until every ISR is whole, a failing call counting as not yet", async (t) => {
  const exec = fakeExec({
    [TOPICS]: [
      { code: 1, stdout: "", stderr: "Error: Timed out waiting for a node assignment." },
      { code: 0, stdout: captured("topics-under-replicated-killed2.txt") },
      { code: 0, stdout: captured("topics-describe-all.txt") },
    ],
  });
  const topics = await waitUnderReplicatedZero(exec, "b:9092", 60_000, {});
  t.is(exec.calls.length, 3);
  t.true(topics.some((x) => x.topic === "load"));
  const stuck = fakeExec({ [TOPICS]: [{ code: 0, stdout: captured("topics-under-replicated-killed2.txt") }] });
  await t.throwsAsync(waitUnderReplicatedZero(stuck, "b:9092", 0), { message: /under-replicated or leaderless: load-0, load-1/ });
});

test("waitQuorum and waitBrokersUnfenced: the expected voters with a leader, every broker unfenced", async (t) => {
  const q = await waitQuorum(fakeExec({ [QUORUM]: [{ code: 0, stdout: captured("quorum-status.txt") }] }), "b:9092", [2, 1, 0], 0);
  t.is(q.leaderId, 0);
  await t.throwsAsync(waitQuorum(fakeExec({ [QUORUM]: [{ code: 0, stdout: captured("quorum-status.txt") }] }), "b:9092", [0, 1, 2, 3], 0), {
    message: /voters are 0,1,2/,
  });
  const exec = fakeExec({
    [CLUSTER]: [
      { code: 0, stdout: captured("list-endpoints-killed2.txt") },
      { code: 0, stdout: captured("list-endpoints.txt") },
    ],
  });
  t.deepEqual((await waitBrokersUnfenced(exec, "b:9092", [0, 1, 2], 60_000)).fenced, []);
  t.is(exec.calls.length, 2);
  await t.throwsAsync(waitBrokersUnfenced(fakeExec({ [CLUSTER]: [{ code: 0, stdout: captured("list-endpoints-killed2.txt") }] }), "b:9092", [0, 1, 2], 0), {
    message: /fenced: 2/,
  });
  const failing = fakeExec({ [CLUSTER]: [{ code: 1, stdout: "", stderr: "boom" }] });
  await t.throwsAsync(waitBrokersUnfenced(failing, "b:9092", [0], 0), { message: /kafka-cluster list-endpoints .* failed \(exit 1\): boom/ });
  t.true(new ToolFailed({ tool: "topics", args: [] }, 1, "x") instanceof Error);
});
