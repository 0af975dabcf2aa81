// Loss accounting of the e2e load test, fed with VerifiableProducer/VerifiableConsumer output captured
// from a real Kafka 4.3.1 node (test/e2e-output/), plus single lines in the same format for the
// cases a healthy run does not show. No Kafka runs here.
import test from "ava";
import { EventEmitter } from "node:events";
import { PassThrough } from "node:stream";
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LoadLedger, loadArgv, startLoad, type Spawn } from "../e2e/kafka/load.js";
import { REPO_ROOT } from "./support/paths.js";

const lines = (dir: string, file: string) =>
  readFileSync(join(REPO_ROOT, "test/e2e-output", dir, file), "utf8")
    .split("\n")
    .filter(Boolean);

test("a clean run: every acked value consumed once, nothing lost", (t) => {
  const ledger = new LoadLedger();
  for (const l of lines("4.3.1-dev", "verifiable-producer.jsonl")) t.true(ledger.producerLine(l), l);
  for (const l of lines("4.3.1-dev", "verifiable-consumer.jsonl")) t.true(ledger.consumerLine(l), l);
  t.deepEqual(ledger.result({ producerExit: "exit 0", consumerExit: "exit 143" }), {
    sent: 200,
    acked: 200,
    lost: 0,
    produceErrors: 0,
    consumed: 200,
    duplicates: 0,
    redelivered: 0,
    lostValues: [],
    errors: [],
    producerExit: "exit 0",
    consumerExit: "exit 143",
  });
});

test("acked values the consumer never read are lost; failed sends are errors, not losses", (t) => {
  const ledger = new LoadLedger();
  const produced = lines("4.3.1-dev", "verifiable-producer.jsonl");
  for (const l of produced) ledger.producerLine(l);
  ledger.producerLine(
    '{"timestamp":1796167780700,"name":"producer_send_error","exception":"class org.apache.kafka.common.errors.NotEnoughReplicasException","message":"Messages are rejected since there are fewer in-sync replicas than required.","topic":"load","key":null,"value":"200"}',
  );
  // The consumer's output without the records of values 5 and 150.
  for (const l of lines("4.3.1-dev", "verifiable-consumer.jsonl")) {
    if (/"name":"record_data".*"value":"(5|150)"/.test(l)) continue;
    ledger.consumerLine(l);
  }
  const r = ledger.result({ producerExit: "exit 0", consumerExit: "exit 143" });
  t.like(r, { acked: 200, lost: 2, lostValues: [5, 150], produceErrors: 1, consumed: 198 });
  t.deepEqual(r.errors, [
    "produce: class org.apache.kafka.common.errors.NotEnoughReplicasException Messages are rejected since there are fewer in-sync replicas than required.",
  ]);
});

test("a value stored twice is a duplicate; a record read twice at the same offset is a redelivery", (t) => {
  const ledger = new LoadLedger();
  const rec = (value: string, partition: number, offset: number) =>
    `{"timestamp":1,"name":"record_data","key":"1","value":"${value}","topic":"load","partition":${partition},"offset":${offset}}`;
  ledger.producerLine('{"timestamp":1,"name":"producer_send_success","key":"1","value":"7","offset":3,"topic":"load","partition":0}');
  for (const l of [rec("7", 0, 3), rec("7", 0, 3), rec("7", 0, 4)]) ledger.consumerLine(l);
  t.like(ledger.result({ producerExit: "", consumerExit: "" }), { acked: 1, consumed: 1, lost: 0, duplicates: 1, redelivered: 1 });
});

test("only this run's values count; other lines are not events", (t) => {
  const ledger = new LoadLedger(42);
  t.true(ledger.producerLine('{"timestamp":1,"name":"producer_send_success","key":null,"value":"42.0","offset":0,"topic":"load","partition":1}'));
  t.true(ledger.producerLine('{"timestamp":1,"name":"producer_send_success","key":null,"value":"41.0","offset":1,"topic":"load","partition":1}'));
  t.true(ledger.consumerLine('{"timestamp":1,"name":"record_data","key":null,"value":"41.0","topic":"load","partition":1,"offset":1}'));
  t.false(ledger.consumerLine("[2026-12-01 23:30:00,000] WARN something (org.apache.kafka.clients.NetworkClient)"));
  t.false(ledger.producerLine("{not json"));
  t.like(ledger.result({ producerExit: "", consumerExit: "" }), { acked: 1, consumed: 0, lost: 1, lostValues: [0] });
});

test("loadArgv: acks=all through the harness's idempotent producer settings, a fresh group read from the start", (t) => {
  const { producer, consumer } = loadArgv({ bootstrap: "b:9092", topic: "load", throughput: 20, maxMessages: 100, runId: 9 });
  const after = (argv: string[], flag: string) => argv[argv.indexOf(flag) + 1];
  t.is(producer[producer.indexOf("org.apache.kafka.tools.VerifiableProducer") - 1], "/opt/kafka/libs/*");
  t.is(after(producer, "--acks"), "-1");
  t.is(after(producer, "--command-config"), "/opt/kafka/config/e2e-verifiable-producer.properties");
  t.is(after(producer, "--max-messages"), "100");
  t.is(after(producer, "--value-prefix"), "9");
  t.true(consumer.includes("org.apache.kafka.tools.VerifiableConsumer"));
  t.is(after(consumer, "--group-id"), "e2e-load-9");
  t.is(after(consumer, "--reset-policy"), "earliest");
  t.true(consumer.includes("--verbose"));
  const props = readFileSync(join(REPO_ROOT, "e2e/kafka/image/opt/kafka/config/e2e-verifiable-producer.properties"), "utf8");
  t.regex(props, /^enable\.idempotence=true$/m);
  t.regex(props, /^acks=all$/m);
});

/** A stand-in for a tool process: replays lines on stdout, exits on SIGTERM like the JVM (143). */
function fakeProcess(out: string[], exitByItself: boolean): ChildProcess {
  const child = new EventEmitter() as ChildProcess;
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  Object.assign(child, { stdout, stderr });
  let closed = false;
  const close = (code: number | null, signal: NodeJS.Signals | null) => {
    if (closed) return;
    closed = true;
    stdout.end();
    stderr.end();
    setImmediate(() => child.emit("close", code, signal));
  };
  child.kill = ((sig?: NodeJS.Signals | number) => {
    close(sig === "SIGKILL" ? null : 143, sig === "SIGKILL" ? "SIGKILL" : null);
    return true;
  }) as ChildProcess["kill"];
  setImmediate(() => {
    for (const l of out) stdout.write(`${l}\n`);
    if (exitByItself) close(0, null);
  });
  return child;
}

test("startLoad runs both tools through the runner's spawn, waits for traffic and stops them in order", async (t) => {
  const spawned: string[][] = [];
  // The captured lines, as if produced with --value-prefix 7.
  const prefixed = (file: string) => lines("4.3.1-dev", file).map((l) => l.replace(/"value":"(\d+)"/, '"value":"7.$1"'));
  const spawn: Spawn = (argv) => {
    spawned.push(argv);
    const isProducer = argv.includes("org.apache.kafka.tools.VerifiableProducer");
    return fakeProcess(prefixed(isProducer ? "verifiable-producer.jsonl" : "verifiable-consumer.jsonl"), isProducer);
  };
  const load = startLoad(spawn, { bootstrap: "b:9092", topic: "load", runId: 7, drainMs: 5_000 });
  t.teardown(() => load.stop());
  t.deepEqual(
    spawned.map((a) => a.find((x) => x.startsWith("org.apache.kafka.tools."))),
    ["org.apache.kafka.tools.VerifiableConsumer", "org.apache.kafka.tools.VerifiableProducer"],
    "the consumer first, so it is in its group before the first record",
  );
  await load.waitFor(200, 60_000);
  t.like(load.progress(), { acked: 200, consumed: 200, produceErrors: 0 });
  const r = await load.stop();
  t.like(r, { sent: 200, acked: 200, lost: 0, consumed: 200, producerExit: "exit 0", consumerExit: "exit 143" });
});
