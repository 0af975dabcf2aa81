// The e2e harness's parsers of Kafka tool output, on output captured from real Kafka 4.x nodes
// (test/e2e-output/<version>-<cluster>/, see its README). No Kafka runs here.
import test from "ava";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  brokersCall,
  FAST_CLIENT_JVM,
  parseBrokers,
  parseQuorumReplication,
  parseQuorumStatus,
  parseTopicDescribe,
  quorumStatusCall,
  toolArgv,
  ToolOutputError,
  underReplicated,
} from "../e2e/kafka/tools.js";
import { REPO_ROOT } from "./support/paths.js";

const captured = (dir: string, file: string) => readFileSync(join(REPO_ROOT, "test/e2e-output", dir, file), "utf8");

test("toolArgv builds kafka-run-class.sh's java command for the tool's main class", (t) => {
  t.deepEqual(toolArgv("topics", ["--list"]).slice(-5), [
    "-Dlog4j2.configurationFile=/opt/kafka/config/tools-log4j2.yaml",
    "-cp",
    "/opt/kafka/libs/*",
    "org.apache.kafka.tools.TopicCommand",
    "--list",
  ]);
  const argv = toolArgv("metadata-quorum", quorumStatusCall("b:9092").args, { kafkaHome: "/k", heap: ["-Xmx64m"], jvm: FAST_CLIENT_JVM });
  t.deepEqual(argv, [
    "java",
    "-Xmx64m",
    ...FAST_CLIENT_JVM,
    "-Dkafka.logs.dir=/k/logs",
    "-Dlog4j2.configurationFile=/k/config/tools-log4j2.yaml",
    "-cp",
    "/k/libs/*",
    "org.apache.kafka.tools.MetadataQuorumCommand",
    "--bootstrap-server",
    "b:9092",
    "describe",
    "--status",
  ]);
  t.deepEqual(brokersCall("b:9092"), { tool: "cluster", args: ["list-endpoints", "--bootstrap-server", "b:9092", "--include-fenced-brokers"] });
});

test("parseQuorumStatus: one combined voter, its advertised controller endpoint, no observers", (t) => {
  const s = parseQuorumStatus(captured("4.3.1-dev", "quorum-status.txt"));
  t.is(s.clusterId, "5iRTkISjV2B2orNQyQpoog");
  t.is(s.leaderId, 0);
  t.is(s.leaderEpoch, 2, "the second start of the node: one election each");
  t.deepEqual(s.voters, [0]);
  t.deepEqual(s.observers, []);
  t.deepEqual(s.voterEndpoints, { 0: ["CONTROLLER://kafka-0.kafka-headless.kafka-dev.svc:9093"] });
});

test("parseQuorumStatus accepts the older plain id lists and rejects other text", (t) => {
  const s = parseQuorumStatus(
    "ClusterId: x\nLeaderId: 2\nLeaderEpoch: 7\nHighWatermark: 10\nMaxFollowerLag: 0\nMaxFollowerLagTimeMs: 0\nCurrentVoters: [2,0,1]\nCurrentObservers: [3]\n",
  );
  t.deepEqual([s.voters, s.observers, s.leaderId], [[0, 1, 2], [3], 2]);
  t.throws(() => parseQuorumStatus("Error while describing quorum: TimeoutException"), { instanceOf: ToolOutputError, message: /no CurrentVoters line/ });
  t.throws(() => parseQuorumStatus(captured("4.3.1-dev", "quorum-status.txt").replace(/CurrentVoters:.*/, "CurrentVoters: [oops")), {
    message: /not a JSON list/,
  });
});

test("parseQuorumReplication: one row per replica with its status", (t) => {
  const rows = parseQuorumReplication(captured("4.3.1-dev", "quorum-replication.txt"));
  t.is(rows.length, 1);
  t.like(rows[0], { nodeId: 0, lag: 0, status: "Leader", directoryId: "AAAAAAAAAAAAAAAAAAAAAA", logEndOffset: 327 });
  t.throws(() => parseQuorumReplication("nothing here\n"), { message: /no header row/ });
});

test("parseTopicDescribe: a topic's partitions with leader, replicas and ISR", (t) => {
  const [demo, ...rest] = parseTopicDescribe(captured("4.3.1-dev", "topics-describe-demo.txt"));
  t.deepEqual(rest, []);
  t.like(demo, { topic: "demo", topicId: "Y0gp95KTRK2IAKXEYZDbOg", partitionCount: 3, replicationFactor: 1, configs: { "min.insync.replicas": "1" } });
  t.deepEqual(
    demo?.partitions.map((p) => [p.partition, p.leader, p.replicas, p.isr, p.elr]),
    [
      [0, 0, [0], [0], []],
      [1, 0, [0], [0], []],
      [2, 0, [0], [0], []],
    ],
  );
});

test("parseTopicDescribe: every topic, internal ones included, configs with commas kept whole", (t) => {
  const topics = parseTopicDescribe(captured("4.3.1-dev", "topics-describe-all.txt"));
  const offsets = topics.find((x) => x.topic === "__consumer_offsets");
  t.is(offsets?.partitions.length, 50);
  t.is(offsets?.replicationFactor, 1);
  t.like(offsets?.configs, { "cleanup.policy": "compact", "segment.bytes": "104857600" });
  t.deepEqual(underReplicated(topics), []);
  const [x] = parseTopicDescribe(
    "Topic: x\tTopicId: i\tPartitionCount: 1\tReplicationFactor: 2\tConfigs: cleanup.policy=compact,delete,min.insync.replicas=2\n",
  );
  t.deepEqual(x?.configs, { "cleanup.policy": "compact,delete", "min.insync.replicas": "2" });
});

test("parseTopicDescribe: partition lines alone (--under-replicated-partitions), leaderless partitions", (t) => {
  const out =
    "\tTopic: t\tPartition: 0\tLeader: none\tReplicas: 1,2\tIsr: \tElr: \tLastKnownElr: 2\n\tTopic: t\tPartition: 1\tLeader: 1\tReplicas: 1,2\tIsr: 1\tElr: \tLastKnownElr: \n";
  const [tp] = parseTopicDescribe(out);
  t.is(tp?.partitionCount, undefined);
  t.deepEqual(
    tp?.partitions.map((p) => [p.leader, p.isr, p.lastKnownElr]),
    [
      [null, [], [2]],
      [1, [1], []],
    ],
  );
  t.deepEqual(underReplicated([tp!]), ["t-0", "t-1"]);
  t.throws(() => parseTopicDescribe("Error while executing topic command : Topic 'x' does not exist\n"), { message: /a line without Topic/ });
});

test("parseBrokers: registered brokers with their fencing state", (t) => {
  const b = parseBrokers(captured("4.3.1-dev", "list-endpoints.txt"));
  t.deepEqual(b.registered, [0]);
  t.deepEqual(b.fenced, []);
  t.like(b.endpoints[0], { id: 0, host: "kafka-0.kafka-headless.kafka-dev.svc", port: 9092, rack: null, state: "unfenced", endpointType: "broker" });
  t.throws(() => parseBrokers("Error: Timed out waiting for a node assignment\n"), { message: /no header row/ });
});

test("three combined nodes: three voters, every broker registered, RF 3 partitions in sync", (t) => {
  const s = parseQuorumStatus(captured("4.3.1-3-combined", "quorum-status.txt"));
  t.deepEqual([s.voters, s.observers], [[0, 1, 2], []]);
  t.is(s.voterEndpoints[2]?.[0], "CONTROLLER://kafka-2.kafka-headless.kafka-dev.svc:9093");
  t.deepEqual(
    parseQuorumReplication(captured("4.3.1-3-combined", "quorum-replication.txt")).map((r) => [r.nodeId, r.status]),
    [
      [0, "Leader"],
      [1, "Follower"],
      [2, "Follower"],
    ],
  );
  t.deepEqual(parseBrokers(captured("4.3.1-3-combined", "list-endpoints.txt")), {
    registered: [0, 1, 2],
    fenced: [],
    endpoints: [0, 1, 2].map((id) => ({
      id,
      host: `kafka-${id}.kafka-headless.kafka-dev.svc`,
      port: 9092,
      rack: null,
      state: "unfenced",
      endpointType: "broker",
    })),
  });
  const load = parseTopicDescribe(captured("4.3.1-3-combined", "topics-describe-all.txt")).find((x) => x.topic === "load");
  t.like(load, { partitionCount: 6, replicationFactor: 3, configs: { "min.insync.replicas": "2" } });
  t.true(load?.partitions.every((p) => p.isr.length === 3 && p.leader === p.replicas[0]));
});

test("three combined nodes, kafka-2 SIGKILLed: fenced, out of every ISR, its voter lagging", (t) => {
  const b = parseBrokers(captured("4.3.1-3-combined", "list-endpoints-killed2.txt"));
  t.deepEqual([b.registered, b.fenced], [[0, 1, 2], [2]]);
  const under = parseTopicDescribe(captured("4.3.1-3-combined", "topics-under-replicated-killed2.txt"));
  const load = under.find((x) => x.topic === "load");
  t.is(load?.partitions.length, 6);
  t.true(load?.partitions.every((p) => !p.isr.includes(2) && p.replicas.includes(2) && p.leader !== 2));
  t.true(underReplicated(under).includes("load-0"));
  const lagging = parseQuorumReplication(captured("4.3.1-3-combined", "quorum-replication-killed2.txt")).find((r) => r.nodeId === 2);
  t.true((lagging?.lag ?? 0) > 100);
});

test("Kafka 4.2.1 prints the same formats (many-envs staging, one combined node)", (t) => {
  const s = parseQuorumStatus(captured("4.2.1-staging", "quorum-status.txt"));
  t.like(s, { clusterId: "mnEySJXEcwwb-NPG6XbclQ", leaderId: 0, voters: [0], observers: [] });
  t.deepEqual(s.voterEndpoints, { 0: ["CONTROLLER://events-0.events-headless.events-staging.svc:9093"] });
  t.deepEqual(parseBrokers(captured("4.2.1-staging", "list-endpoints.txt")).registered, [0]);
  t.is(parseQuorumReplication(captured("4.2.1-staging", "quorum-replication.txt"))[0]?.status, "Leader");
  const [demo] = parseTopicDescribe(captured("4.2.1-staging", "topics-describe-demo.txt"));
  t.deepEqual(
    demo?.partitions.map((p) => p.isr),
    [[0], [0], [0]],
  );
});
