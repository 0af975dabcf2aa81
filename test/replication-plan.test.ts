// `kafka-gitops replication-plan` through the real CLI: the JSON for
// kafka-reassign-partitions.sh from the config's brokers (and racks), clear
// errors with exit 1, and the command the scaffold's advice prints runs as written.
import test from "ava";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cli, diff, scaffoldWith } from "./support/run-cli.js";
import { scratchDir, scratchRepo } from "./support/scratch.js";

const REPO = "repo: {url: https://github.com/acme/k.git}\n";
const RACKS = `${REPO}kafka: {workload: deployment-per-broker}\nenvironments:\n  prod: {topology: dedicated, brokers: 4, rack: {zones: [a, b, c]}}\n  dev: {}\n`;

interface Plan {
  version: number;
  partitions: Array<{ topic: string; partition: number; replicas: number[] }>;
}

async function withConfig(t: Parameters<typeof scratchDir>[0], config: string): Promise<string> {
  const dir = await scratchDir(t, "plan");
  await writeFile(join(dir, "kafka-gitops.yaml"), config);
  return dir;
}

test("prints the plan for the environment's broker-role nodes, factor min(3, brokers), replicas in distinct racks", async (t) => {
  const dir = await withConfig(t, RACKS);
  const r = await cli(dir, ["replication-plan", "--dir", dir, "--env", "prod", "--topic", "orders", "--partitions", "6"]);
  t.is(r.code, 0, r.stderr);
  const plan = JSON.parse(r.stdout) as Plan;
  t.is(plan.version, 1);
  t.deepEqual(
    plan.partitions.map((p) => p.partition),
    [0, 1, 2, 3, 4, 5],
  );
  // Controller-only nodes 0-2 hold no partitions; brokers 3-6 run in zones a, b, c, a.
  const zone = new Map([
    [3, "a"],
    [4, "b"],
    [5, "c"],
    [6, "a"],
  ]);
  for (const p of plan.partitions) {
    t.is(p.topic, "orders");
    t.is(p.replicas.length, 3);
    t.true(
      p.replicas.every((id) => zone.has(id)),
      JSON.stringify(p),
    );
    t.is(new Set(p.replicas.map((id) => zone.get(id))).size, 3, JSON.stringify(p));
  }
  t.regex(r.stderr, /^note: orders: 6 partitions, 3 replicas each over brokers 3, 4, 5, 6 of prod, in 3 distinct racks each/);
});

test("--factor and --config are honoured; a config without racks gives the plain round-robin", async (t) => {
  const dir = await withConfig(t, `${REPO}environments:\n  prod: {brokers: 4}\n`);
  await writeFile(join(dir, "other.yaml"), `${REPO}environments:\n  prod: {brokers: 2}\n`);
  const r = await cli(dir, ["replication-plan", "--dir", dir, "--env", "prod", "--topic", "t", "--partitions", "3", "--factor", "2"]);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(
    (JSON.parse(r.stdout) as Plan).partitions.map((p) => p.replicas),
    [
      [0, 1],
      [1, 2],
      [2, 3],
    ],
  );
  const other = await cli(dir, ["replication-plan", "--dir", dir, "--config", "other.yaml", "--env", "prod", "--topic", "t", "--partitions", "1"]);
  t.is(other.code, 0, other.stderr);
  t.deepEqual((JSON.parse(other.stdout) as Plan).partitions[0]!.replicas, [0, 1]);
});

test("bad requests exit 1 with every problem and print no JSON", async (t) => {
  const dir = await withConfig(t, RACKS);
  const run = (...args: string[]) => cli(dir, ["replication-plan", "--dir", dir, ...args]);
  const missing = await run();
  t.is(missing.code, 1);
  t.is(missing.stdout, "");
  t.regex(missing.stderr, /--env ENV is required.*--topic T is required.*--partitions N is required/);
  const bad = await run("--env", "prod", "--topic", "a b", "--partitions", "0", "--factor", "x");
  t.is(bad.code, 1);
  t.regex(bad.stderr, /--topic "a b" is not a Kafka topic name.*--partitions 0 must be a whole number of at least 1.*--factor x must be a whole number/);
  const env = await run("--env", "qa", "--topic", "t", "--partitions", "1");
  t.is(env.code, 1);
  t.regex(env.stderr, /--env qa: no such environment in .*; environments: dev, prod/);
  const factor = await run("--env", "dev", "--topic", "t", "--partitions", "1", "--factor", "2");
  t.is(factor.code, 1);
  t.regex(factor.stderr, /--factor 2 needs 2 brokers, environment dev has 1 \(node 0\); lower --factor or raise environments\.dev\.brokers/);
  t.false(/\n\s+at /.test(factor.stderr), "no stack trace");
  t.is((await run("--bogus")).code, 2);
});

test("the replication-plan command in the scaffold's advice runs as printed", async (t) => {
  const dir = await scratchRepo(t);
  await scaffoldWith(dir, `${REPO}environments:\n  prod: {brokers: 1, controllers: 1}\n`);
  await writeFile(join(dir, "kafka-gitops.yaml"), `${REPO}environments:\n  prod: {brokers: 3, controllers: 1}\n`);
  const scaled = await cli(dir, ["scaffold", "--dir", dir, "--allow-durability-change", "prod"]);
  t.is(scaled.code, 0, scaled.stderr);
  // Both the durability warning and the brokers-added note name the command; the note is a note.
  t.regex(scaled.stderr, /^note: prod: 2 brokers added \(node 1, 2\)/m);
  const commands = [...scaled.stderr.matchAll(/`npx kafka-gitops (replication-plan [^`]*?) > plan\.json`/g)].map((m) => m[1]!);
  t.true(commands.length >= 2, scaled.stderr);
  const offsets = commands.find((c) => c.includes("__consumer_offsets"))!;
  t.true(offsets.startsWith(`replication-plan --dir ${dir} --env prod --topic __consumer_offsets --partitions 50 --factor 3`), offsets);
  const r = await cli(dir, offsets.split(" "));
  t.is(r.code, 0, r.stderr);
  const plan = JSON.parse(r.stdout) as Plan;
  t.is(plan.partitions.length, 50);
  t.true(plan.partitions.every((p) => p.topic === "__consumer_offsets" && new Set(p.replicas).size === 3 && p.replicas.every((id) => id <= 2)));
});

test("diff shows added brokers as a note with the replication-plan command, not as a warning", async (t) => {
  const dir = await scratchRepo(t);
  await scaffoldWith(dir, `${REPO}environments:\n  prod: {brokers: 3}\n`);
  await writeFile(join(dir, "kafka-gitops.yaml"), `${REPO}environments:\n  prod: {brokers: 4}\n`);
  const r = await diff(dir);
  t.is(r.code, 0, r.stderr);
  t.regex(
    r.stdout,
    /\nNOTES \(1\):\nnote: prod: 1 broker added \(node 3\): new brokers get no existing partitions by themselves\n {2}what to do: .*`npx kafka-gitops replication-plan --dir \S+ --env prod --topic <topic>/,
  );
  t.notRegex(r.stdout, /WARNINGS/);
  const summary = await diff(dir, "--summary");
  t.regex(summary.stdout, /ℹ️ 1 note/);
  t.notRegex(summary.stdout, /⚠️/);
});
